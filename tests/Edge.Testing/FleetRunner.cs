using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Edge.Testing;

/// <summary>
/// A real fleet server process on loopback: HTTP on a free port, embedded MQTT broker on another, data in a folder
/// that outlives restarts (so a test can stop the fleet and start it again on the same store).
/// Devices must authenticate (the fleet's default) unless the test passes <c>--Security:DeviceAuth=open</c>: a
/// <see cref="DeviceRunner"/> pointed at this fleet's MQTT port then provisions itself through the real claim-code
/// path (<see cref="EnrolAsync"/>, then the device redeems the code).
/// With <c>--Tls:Certificate=...</c> the fleet serves HTTPS only (its plaintext listener is off) and the test must
/// give <c>--Provisioning:CaCertificate=...</c> too: the runner's client and its devices trust that CA, nothing else.
/// </summary>
public sealed partial class FleetRunner : IDisposable
{
    /// <summary>Centre of the devices a test enrols without naming one.</summary>
    public const string DefaultCentre = "centre-1";

    private const string CaArgument = "--Provisioning:CaCertificate=";

    private static readonly ConcurrentDictionary<int, FleetRunner> ByMqttPort = new();

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
        UsesTls = _extraArgs.Any(a => a.StartsWith("--Tls:Certificate=", StringComparison.Ordinal));
        CaCertificate = _extraArgs.LastOrDefault(a => a.StartsWith(CaArgument, StringComparison.Ordinal))?[CaArgument.Length..];
        if (UsesTls && CaCertificate is null)
        {
            throw new ArgumentException($"a fleet with --Tls:Certificate needs {CaArgument}... in the tests: its clients trust that CA only");
        }

        BaseUrl = new Uri($"{(UsesTls ? "https" : "http")}://127.0.0.1:{HttpPort}");
        Http = CreateClient();
        ByMqttPort[MqttPort] = this;
    }

    /// <summary>The fleet of this test run whose broker listens on <paramref name="mqttPort"/>, if any.</summary>
    public static FleetRunner? ServingMqttPort(int mqttPort) => ByMqttPort.GetValueOrDefault(mqttPort);

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>False when the test started the fleet with <c>--Security:DeviceAuth=open</c>.</summary>
    public bool DevicesMustAuthenticate =>
        !_extraArgs.Any(a => a.Equals("--Security:DeviceAuth=open", StringComparison.OrdinalIgnoreCase));

    public string DataDir { get; }

    /// <summary>True when the test gave the fleet a certificate: it then serves HTTPS on <see cref="HttpPort"/>.</summary>
    public bool UsesTls { get; }

    /// <summary>The CA PEM the fleet hands to devices (<c>Provisioning:CaCertificate</c>), if the test gave one.</summary>
    public string? CaCertificate { get; }

    /// <summary>The fleet's address as devices and scripts call it: https://127.0.0.1:port with TLS, http:// otherwise.</summary>
    public Uri BaseUrl { get; }

    public int HttpPort { get; }

    public int MqttPort { get; }

    public HttpClient Http { get; }

    public ChildProcess Process => _process ?? throw new InvalidOperationException("not started");

    public string Output => _process?.Output ?? "";

    /// <summary>Extra environment for the process (e.g. a <see cref="PowerCut.LazyDisk"/>'s).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>How long <see cref="StartAsync"/> waits for the fleet to answer (a long soak on a loaded machine waits longer).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public async Task StartAsync()
    {
        _process?.Dispose();
        _process = ChildProcess.StartDll("fleet", RepoPaths.FleetDll,
        [
            "--urls", BaseUrl.ToString().TrimEnd('/'),
            $"--Mqtt:Port={MqttPort}",
            "--Mqtt:BindAddress=127.0.0.1",
            $"--Fleet:DataDir={DataDir}",
            .. _extraArgs,
        ],
        new Dictionary<string, string>(Environment ?? new Dictionary<string, string>()) { ["EDGE_ADMIN_TOKEN"] = AdminToken });
        await Eventually.TrueAsync(
            async () => _process.HasExited
                ? throw new InvalidOperationException("fleet exited:\n" + _process.Output)
                : (await Http.GetAsync("/api/v1/devices")).IsSuccessStatusCode,
            StartTimeout,
            "the fleet to answer");
    }

    /// <summary>SIGKILL, like a crash or a power cut of the server.</summary>
    public void Kill() => _process?.Kill();

    /// <summary>SIGTERM, as systemd stops the service (SIGKILL after <paramref name="grace"/>); <see cref="StartAsync"/> starts it again.</summary>
    public Task StopAsync(TimeSpan grace) => _process?.StopAsync(grace) ?? Task.CompletedTask;

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

    /// <summary>
    /// A claim code for a device at <paramref name="centre"/>/<paramref name="counter"/> (with the given device id,
    /// or one the fleet makes up): through <c>POST /api/v1/enrolments</c> when the fleet runs, otherwise through the
    /// fleet's <c>enrol</c> verb on its data folder, as a technician preparing devices before the first start would.
    /// </summary>
    public async Task<string> EnrolAsync(string centre, string counter, string role = "counter", string? deviceId = null)
    {
        if (IsRunning)
        {
            using var response = await Http.PostAsJsonAsync("/api/v1/enrolments", new { centre, counter, role, deviceId });
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"enrolment refused: {(int)response.StatusCode} {body}");
            }

            return JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()!;
        }

        List<string> args = ["enrol", "--centre", centre, "--counter", counter, "--role", role, $"--Fleet:DataDir={DataDir}"];
        if (deviceId is not null)
        {
            args.AddRange(["--device-id", deviceId]);
        }

        using var enrol = ChildProcess.StartDll("enrol", RepoPaths.FleetDll, args);
        var exitCode = await enrol.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var code = enrol.Output.Split('\n').Select(l => ClaimCodeLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
        return exitCode == 0 && code is not null ? code : throw new InvalidOperationException($"enrol exited with {exitCode}:\n{enrol.Output}");
    }

    /// <summary>Enrols and redeems at once, as a device would: its id and secret (MQTT user name and password).</summary>
    public async Task<DeviceCredentials> ProvisionAsync(string centre, string counter, string? deviceId = null, string role = "counter")
    {
        var code = await EnrolAsync(centre, counter, role, deviceId);
        using var anonymous = CreateClient(withToken: false);
        using var response = await anonymous.PostAsJsonAsync("/api/v1/provision", new { code });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"provisioning refused: {(int)response.StatusCode} {body}");
        }

        var root = JsonDocument.Parse(body).RootElement;
        return new DeviceCredentials(root.GetProperty("deviceId").GetString()!, root.GetProperty("secret").GetString()!);
    }

    /// <summary>A client for this fleet (trusting only its CA when it serves HTTPS), with the administrator's token unless told otherwise.</summary>
    public HttpClient CreateClient(bool withToken = true)
    {
        var http = CaCertificate is null
            ? new HttpClient()
            : new HttpClient(TestCertificates.TrustingOnly(CaCertificate));
        http.BaseAddress = BaseUrl;
        http.Timeout = TimeSpan.FromSeconds(30);
        if (withToken)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        }

        return http;
    }

    public void Dispose()
    {
        ByMqttPort.TryRemove(new KeyValuePair<int, FleetRunner>(MqttPort, this));
        _process?.Dispose();
        Http.Dispose();
    }

    [GeneratedRegex(@"^\[enrol\] ([A-Z2-9]{4}-[A-Z2-9]{4})$")]
    private static partial Regex ClaimCodeLine();
}

/// <summary>What provisioning gave a device: its MQTT client id / user name and its password.</summary>
public sealed record DeviceCredentials(string DeviceId, string Secret);
