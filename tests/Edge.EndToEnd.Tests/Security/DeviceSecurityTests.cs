using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Security;

/// <summary>
/// Real fleet and device processes: the provision verb a technician types on a Pi, and MQTT over TLS with the
/// fleet's own development CA (trusted, and a device that trusts another CA refusing the broker).
/// </summary>
public class DeviceSecurityTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly TempFolder _folder = new("device-security");
    private readonly List<IDisposable> _started = [];

    public DeviceSecurityTests(ITestOutputHelper output)
        : this(output, DeviceProgram.Default)
    {
    }

    /// <summary>The same tests on another device host program (tests/Edge.EndToEnd.Tests/NativeHost).</summary>
    protected DeviceSecurityTests(ITestOutputHelper output, DeviceProgram program)
    {
        _output = output;
        Program = program;
    }

    /// <summary>The device host program every device of these tests runs.</summary>
    protected DeviceProgram Program { get; }

    public void Dispose()
    {
        foreach (var process in _started)
        {
            process.Dispose();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task Provision_verb_stores_an_owner_only_identity_and_the_device_runs_with_it()
    {
        var fleet = await StartFleetAsync();
        var code = await fleet.EnrolAsync("centre-a", "2");
        var dataDir = _folder["pi"];

        var (exit, text) = await RunDeviceVerbAsync("provision", "--fleet", $"http://127.0.0.1:{fleet.HttpPort}", "--code", code, "--allow-plaintext", "true", $"--Device:DataDir={dataDir}");
        Assert.True(exit == 0, text);
        var identityPath = Path.Combine(dataDir, "identity.json");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(identityPath));
        }

        var identity = JsonDocument.Parse(File.ReadAllText(identityPath)).RootElement;
        var deviceId = identity.GetProperty("deviceId").GetString()!;
        Assert.StartsWith("counter-", deviceId);
        Assert.Equal("2", identity.GetProperty("counter").GetString());

        var (reusedExit, reused) = await RunDeviceVerbAsync("provision", "--fleet", $"http://127.0.0.1:{fleet.HttpPort}", "--code", code,
            "--allow-plaintext", "true", $"--Device:DataDir={_folder["other-pi"]}");
        Assert.Equal(1, reusedExit);
        Assert.Contains("already used", reused);
        var (unknownExit, unknown) = await RunDeviceVerbAsync("provision", "--fleet", $"http://127.0.0.1:{fleet.HttpPort}", "--code", "ZZZZ-ZZZZ",
            "--allow-plaintext", "true", $"--Device:DataDir={_folder["third-pi"]}");
        Assert.Equal(1, unknownExit);
        Assert.Contains("Unknown claim code", unknown);
        Assert.False(File.Exists(Path.Combine(_folder["third-pi"], "identity.json")));

        // The host reads identity.json: no password on the command line.
        var device = new DeviceRunner(deviceId, dataDir, fleet.MqttPort) { Program = Program };
        _started.Add(device);
        await device.StartAsync();
        await device.PressAsync(1, 3);
        await DrainedAsync(device);
        var stats = await fleet.GetJsonAsync($"/api/v1/stats/ratings?device={deviceId}&centre=centre-a");
        Assert.Equal(3, stats.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Device_reaches_the_broker_over_TLS_when_it_trusts_the_fleets_CA_and_refuses_another()
    {
        var trusted = await DevCaAsync("ca-trusted");
        var other = await DevCaAsync("ca-other");
        var tlsPort = FreePort.Next();
        var fleet = await StartFleetAsync($"--Tls:Certificate={Path.Combine(trusted, "server.pfx")}", $"--Mqtt:TlsPort={tlsPort}",
            $"--Provisioning:CaCertificate={Path.Combine(trusted, "ca.crt")}");
        // With TLS configured the plaintext listener is off: nothing answers on the plain MQTT port.
        using (var plain = new System.Net.Sockets.TcpClient())
        {
            await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => plain.ConnectAsync("127.0.0.1", fleet.MqttPort));
        }

        var good = await StartDeviceAsync("tls-good", fleet, "--Uplink:UseTls=true", $"--Uplink:Port={tlsPort}",
            $"--Uplink:CaCertificate={Path.Combine(trusted, "ca.crt")}");
        var fooled = await StartDeviceAsync("tls-other-ca", fleet, "--Uplink:UseTls=true", $"--Uplink:Port={tlsPort}",
            $"--Uplink:CaCertificate={Path.Combine(other, "ca.crt")}");
        await good.PressAsync(2, 5);
        await fooled.PressAsync(2, 5);

        await DrainedAsync(good);
        var stats = await fleet.GetJsonAsync("/api/v1/stats/ratings?device=tls-good");
        Assert.Equal(5, stats.GetProperty("total").GetInt64());

        // Several reconnect attempts later, the device that does not trust the broker has sent nothing.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var status = await fooled.StatusAsync();
        _output.WriteLine($"device trusting another CA: {status}");
        Assert.False(status.GetProperty("connected").GetBoolean());
        Assert.True(status.GetProperty("outboxDepth").GetInt64() >= 5, "the presses wait in the outbox");
        Assert.Null(await fleet.DeviceAsync("tls-other-ca"));
    }

    private async Task<FleetRunner> StartFleetAsync(params string[] args)
    {
        var fleet = new FleetRunner(_folder["fleet"], args);
        _started.Add(fleet);
        await fleet.StartAsync();
        return fleet;
    }

    private async Task<DeviceRunner> StartDeviceAsync(string id, FleetRunner fleet, params string[] args)
    {
        var device = new DeviceRunner(id, _folder[id], fleet.MqttPort, ["--Device:Counter=3", .. args]) { Program = Program };
        _started.Add(device);
        await device.StartAsync();
        return device;
    }

    private Task<string> DevCaAsync(string name) => TestCertificates.DevCaAsync(_folder[name]);

    private async Task<(int Exit, string Output)> RunDeviceVerbAsync(params string[] args)
    {
        using var verb = Program.Start("provision", args);
        var exit = await verb.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exit, verb.Output);
    }

    private static Task DrainedAsync(DeviceRunner device) =>
        Eventually.TrueAsync(
            async () => (await device.StatusAsync()).GetProperty("outboxDepth").GetInt64() == 0,
            TimeSpan.FromSeconds(60),
            $"{device.Id}'s outbox to drain");
}
