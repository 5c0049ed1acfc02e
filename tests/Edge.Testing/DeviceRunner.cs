using System.Net.Http.Json;
using System.Text.Json;

namespace Edge.Testing;

/// <summary>A real simulated device host process (--simulate) on loopback, with its local endpoint on a free port.</summary>
public sealed class DeviceRunner : IDisposable
{
    private readonly List<string> _extraArgs;
    private ChildProcess? _process;

    public DeviceRunner(string id, string dataDir, int mqttPort, params string[] extraArgs)
    {
        Id = id;
        DataDir = dataDir;
        MqttPort = mqttPort;
        LocalPort = FreePort.Next();
        _extraArgs = [.. extraArgs];
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{LocalPort}"), Timeout = TimeSpan.FromMinutes(5) };
    }

    public string Id { get; }

    public string DataDir { get; }

    public int MqttPort { get; }

    public int LocalPort { get; }

    public HttpClient Http { get; }

    /// <summary>Centre the device is enrolled at when it provisions itself.</summary>
    public string Centre { get; init; } = FleetRunner.DefaultCentre;

    /// <summary>Role the device is enrolled in when it provisions itself (counter, kiosk or hall); the device applies it.</summary>
    public string Role { get; init; } = "counter";

    /// <summary>The host program started: the built dll, or a native one (<see cref="DeviceProgram"/>).</summary>
    public DeviceProgram Program { get; init; } = DeviceProgram.Default;

    /// <summary>Extra environment for the process (e.g. a <see cref="PowerCut.LazyDisk"/>'s).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    public string Output => _process?.Output ?? "";

    /// <summary>The running host's process id (benchmarks read its memory from /proc), 0 before the first start.</summary>
    public int ProcessId => _process?.Id ?? 0;

    public async Task StartAsync()
    {
        _process?.Dispose();
        var provisioning = await ProvisioningArgumentsAsync();
        _process = Program.Start(Id,
        [
            "--simulate",
            $"--Device:Id={Id}",
            $"--Device:DataDir={DataDir}",
            "--Uplink:Host=127.0.0.1",
            $"--Uplink:Port={MqttPort}",
            $"--Local:Port={LocalPort}",
            "--Rating:DebounceMs=5",
            "--Rating:LockoutMs=0",
            "--Queue:DebounceMs=5",
            "--Uplink:ReconnectMin=00:00:00.200",
            "--Uplink:ReconnectMax=00:00:02",
            .. _extraArgs,
            .. provisioning,
        ], Environment?.ToDictionary());
        await Eventually.TrueAsync(
            async () => _process.HasExited
                ? throw new InvalidOperationException($"device {Id} exited:\n" + _process.Output)
                : (await Http.GetAsync("/status")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60),
            $"device {Id} to answer");
    }

    /// <summary>
    /// The first start against a fleet of this test run that requires device credentials gets a claim code for this
    /// device id (at its counter, in its <see cref="Role"/>) and provisions itself with it, as an unattended Pi would; later starts use the
    /// identity.json that left in <see cref="DataDir"/>. Tests that give credentials themselves are left alone.
    /// </summary>
    private async Task<string[]> ProvisioningArgumentsAsync()
    {
        var fleet = FleetRunner.ServingMqttPort(MqttPort);
        if (fleet is not { DevicesMustAuthenticate: true }
            || File.Exists(Path.Combine(DataDir, "identity.json"))
            || _extraArgs.Any(a => a.StartsWith("--Uplink:Password", StringComparison.Ordinal) || a.StartsWith("--Provisioning:", StringComparison.Ordinal)))
        {
            return [];
        }

        var counter = _extraArgs.LastOrDefault(a => a.StartsWith("--Device:Counter=", StringComparison.Ordinal))?["--Device:Counter=".Length..] ?? "1";
        var code = await fleet.EnrolAsync(Centre, counter, Role, deviceId: Id);
        // Over HTTPS the device pins the CA the fleet was given, as a technician's Pi would; plain http must be allowed.
        return
        [
            $"--Provisioning:ClaimCode={code}",
            $"--Provisioning:FleetUrl={fleet.BaseUrl.ToString().TrimEnd('/')}",
            fleet.UsesTls ? $"--Provisioning:CaCertificate={fleet.CaCertificate}" : "--Provisioning:AllowPlaintext=true",
        ];
    }

    /// <summary>SIGKILL, like pulling the Pi's power (for the process).</summary>
    public void Kill() => _process?.Kill();

    /// <summary>True once the process has ended by itself (or was killed).</summary>
    public bool HasExited => _process?.HasExited ?? true;

    /// <summary>Waits for the process to end by itself; its exit code.</summary>
    public Task<int> WaitForExitAsync(TimeSpan timeout) =>
        (_process ?? throw new InvalidOperationException("not started")).WaitForExitAsync(timeout);

    public async Task<JsonElement> StatusAsync() => await Http.GetFromJsonAsync<JsonElement>("/status");

    /// <summary>Presses a simulated button <paramref name="count"/> times; returns once they are durable in the outbox.</summary>
    public async Task PressAsync(int button, int count, int bounce = 0)
    {
        using var response = await Http.PostAsync($"/sim/press?button={button}&count={count}&bounce={bounce}", null);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"press {button}x{count} failed: {(int)response.StatusCode} {body}");
        }
    }

    public void Dispose()
    {
        _process?.Dispose();
        Http.Dispose();
    }
}
