using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;

namespace Edge.EndToEnd.Tests.RemoteConfig;

/// <summary>
/// A fleet (devices must authenticate, as in production) and simulated devices that provision themselves, for the
/// remote configuration and command tests; REST calls as the fleet's administrator.
/// </summary>
public sealed class RemoteSite : IDisposable
{
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder;
    private readonly List<IDisposable> _started = [];

    public RemoteSite(string name)
    {
        _folder = new TempFolder(name);
        Fleet = new FleetRunner(_folder["fleet"]);
        _started.Add(Fleet);
    }

    public FleetRunner Fleet { get; }

    public DeviceRunner NewDevice(string id, params string[] args)
    {
        var device = new DeviceRunner(id, _folder[id], Fleet.MqttPort, args);
        _started.Add(device);
        return device;
    }

    public async Task<JsonElement> PutDeviceConfigAsync(string deviceId, object settings) =>
        await SendAsync(HttpMethod.Put, $"/api/v1/devices/{deviceId}/config", new { settings });

    public async Task<JsonElement> PutLayerAsync(string scope, string name, object settings) =>
        await SendAsync(HttpMethod.Put, $"/api/v1/config/layers/{scope}/{name}", new { settings });

    public Task<JsonElement> DeviceConfigAsync(string deviceId) => Fleet.GetJsonAsync($"/api/v1/devices/{deviceId}/config");

    /// <summary>Waits until the device's report on the fleet satisfies <paramref name="done"/>.</summary>
    public Task<JsonElement> ReportedAsync(string deviceId, Func<JsonElement, bool> done, string what) =>
        Eventually.ReturnsAsync(() => DeviceConfigAsync(deviceId),
            view => view.TryGetProperty("reported", out var r) && r.ValueKind == JsonValueKind.Object && done(view), Settle, what);

    public async Task<JsonElement> SendCommandAsync(string deviceId, string kind, int? timeoutSeconds = null, int? expiresInSeconds = null) =>
        await SendAsync(HttpMethod.Post, $"/api/v1/devices/{deviceId}/commands", new { kind, timeoutSeconds, expiresInSeconds });

    public Task<JsonElement> CommandAsync(string deviceId, string commandId) =>
        Fleet.GetJsonAsync($"/api/v1/devices/{deviceId}/commands/{commandId}");

    public Task<JsonElement> CommandStateAsync(string deviceId, string commandId, Func<string, bool> done, string what) =>
        Eventually.ReturnsAsync(() => CommandAsync(deviceId, commandId), c => done(c.GetProperty("state").GetString()!), Settle, what);

    /// <summary>The device's own view of a section in GET /config (what its options monitor holds now).</summary>
    public static async Task<JsonElement> EffectiveSectionAsync(DeviceRunner device, string section) =>
        (await device.Http.GetFromJsonAsync<JsonElement>("/config")).GetProperty(section);

    /// <summary>What the fleet and the devices printed, for a failing test's output.</summary>
    public string Outputs() => string.Join("\n", _started.OfType<FleetRunner>().Select(f => f.Output).Concat(_started.OfType<DeviceRunner>().Select(d => d.Output)));

    public void Dispose()
    {
        foreach (var started in Enumerable.Reverse(_started))
        {
            started.Dispose();
        }

        _folder.Dispose();
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await Fleet.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
