using System.Net.Http.Json;
using System.Text.Json;

namespace Edge.Testing;

/// <summary>
/// A real fleet server process on loopback: HTTP on a free port, embedded MQTT broker on another, data in a folder
/// that outlives restarts (so a test can stop the fleet and start it again on the same store).
/// </summary>
public sealed class FleetRunner : IDisposable
{
    /// <summary>API token of the fleet's administrator (fleet/Auth: <c>EDGE_ADMIN_TOKEN</c>); <see cref="Http"/> sends it.</summary>
    public const string AdminToken = "edge-tests-admin-token";

    private readonly List<string> _extraArgs;
    private ChildProcess? _process;

    public FleetRunner(string dataDir, params string[] extraArgs)
    {
        DataDir = dataDir;
        HttpPort = FreePort.Next();
        MqttPort = FreePort.Next();
        _extraArgs = [.. extraArgs];
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
    }

    public string DataDir { get; }

    public int HttpPort { get; }

    public int MqttPort { get; }

    public HttpClient Http { get; }

    public ChildProcess Process => _process ?? throw new InvalidOperationException("not started");

    public string Output => _process?.Output ?? "";

    public async Task StartAsync()
    {
        _process?.Dispose();
        _process = ChildProcess.StartDll("fleet", RepoPaths.FleetDll,
        [
            "--urls", $"http://127.0.0.1:{HttpPort}",
            $"--Mqtt:Port={MqttPort}",
            "--Mqtt:BindAddress=127.0.0.1",
            $"--Fleet:DataDir={DataDir}",
            .. _extraArgs,
        ],
        new Dictionary<string, string> { ["EDGE_ADMIN_TOKEN"] = AdminToken });
        await Eventually.TrueAsync(
            async () => _process.HasExited
                ? throw new InvalidOperationException("fleet exited:\n" + _process.Output)
                : (await Http.GetAsync("/api/v1/devices")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60),
            "the fleet to answer");
    }

    /// <summary>SIGKILL, like a crash or a power cut of the server.</summary>
    public void Kill() => _process?.Kill();

    public async Task<JsonElement> GetJsonAsync(string path) =>
        await Http.GetFromJsonAsync<JsonElement>(path);

    /// <summary>The fleet's view of one device from GET /api/v1/devices, or null when it has not seen it.</summary>
    public async Task<JsonElement?> DeviceAsync(string deviceId)
    {
        foreach (var device in (await GetJsonAsync("/api/v1/devices")).EnumerateArray())
        {
            if (device.GetProperty("id").GetString() == deviceId)
            {
                return device;
            }
        }

        return null;
    }

    public void Dispose()
    {
        _process?.Dispose();
        Http.Dispose();
    }
}
