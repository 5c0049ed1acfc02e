using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Security;

/// <summary>
/// Provisioning over the fleet's own HTTPS (real fleet and device processes, device authentication on): the device
/// pins the CA the technician gives it (a file or a SHA-256 fingerprint), refuses any other fleet before its claim
/// code leaves it, and refuses plain http unless told that it is a demo.
/// </summary>
public sealed class HttpsProvisioningTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new("https-provisioning");
    private readonly List<IDisposable> _started = [];

    public void Dispose()
    {
        foreach (var process in _started)
        {
            process.Dispose();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task Device_provisions_over_HTTPS_pinning_the_CA_or_its_fingerprint_and_publishes_over_TLS_with_the_kept_CA()
    {
        var ca = await TestCertificates.DevCaAsync(_folder["ca"]);
        var tlsPort = FreePort.Next();
        var fleet = await StartTlsFleetAsync(ca, tlsPort);

        // Pinned by file (the test runner gives --Provisioning:CaCertificate); MQTT trusts the CA kept from the answer.
        var byFile = new DeviceRunner("https-file", _folder["https-file"], fleet.MqttPort, "--Device:Counter=4", "--Uplink:UseTls=true", $"--Uplink:Port={tlsPort}");
        _started.Add(byFile);
        await byFile.StartAsync();
        Assert.Equal(File.ReadAllText(Path.Combine(ca, "ca.crt")), File.ReadAllText(Path.Combine(byFile.DataDir, "fleet-ca.crt")));

        // Pinned by fingerprint only: the device fetches the CA, checks its hash, then provisions.
        var code = await fleet.EnrolAsync(FleetRunner.DefaultCentre, "5", deviceId: "https-fingerprint");
        var byFingerprint = new DeviceRunner("https-fingerprint", _folder["https-fingerprint"], fleet.MqttPort,
            "--Device:Counter=5", "--Uplink:UseTls=true", $"--Uplink:Port={tlsPort}",
            $"--Provisioning:ClaimCode={code}", $"--Provisioning:FleetUrl={fleet.BaseUrl}",
            $"--Provisioning:CaFingerprint={TestCertificates.FingerprintOf(Path.Combine(ca, "ca.crt")).ToLowerInvariant()}");
        _started.Add(byFingerprint);
        await byFingerprint.StartAsync();

        await byFile.PressAsync(1, 3);
        await byFingerprint.PressAsync(2, 2);
        await DrainedAsync(byFile);
        await DrainedAsync(byFingerprint);
        Assert.Equal(3, (await fleet.GetJsonAsync("/api/v1/stats/ratings?device=https-file")).GetProperty("total").GetInt64());
        Assert.Equal(2, (await fleet.GetJsonAsync("/api/v1/stats/ratings?device=https-fingerprint")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Device_pinning_another_CA_or_fingerprint_refuses_the_fleet_and_its_claim_code_stays_unused()
    {
        var trusted = await TestCertificates.DevCaAsync(_folder["ca-trusted"]);
        var other = await TestCertificates.DevCaAsync(_folder["ca-other"]);
        var fleet = await StartTlsFleetAsync(trusted, FreePort.Next());
        var code = await fleet.EnrolAsync(FleetRunner.DefaultCentre, "6");
        var url = fleet.BaseUrl.ToString();

        var (byFileExit, byFile) = await ProvisionVerbAsync("--fleet", url, "--code", code, "--ca", Path.Combine(other, "ca.crt"), $"--Device:DataDir={_folder["pi-1"]}");
        output.WriteLine(byFile);
        Assert.Equal(4, byFileExit);
        Assert.Contains("is not trusted", byFile);
        Assert.Contains("the claim code was not sent", byFile);

        var otherFingerprint = TestCertificates.FingerprintOf(Path.Combine(other, "ca.crt"));
        var (byPinExit, byPin) = await ProvisionVerbAsync("--fleet", url, "--code", code, "--ca-fingerprint", otherFingerprint, $"--Device:DataDir={_folder["pi-2"]}");
        output.WriteLine(byPin);
        Assert.Equal(4, byPinExit);
        Assert.Contains($"not the pinned {otherFingerprint}", byPin);

        // Unattended first boot: the host stops with the same outcome instead of starting without credentials.
        using (var host = DeviceProgram.Default.Start("first-boot",
            ["--simulate", $"--Device:DataDir={_folder["pi-3"]}", $"--Local:Port={FreePort.Next()}",
             $"--Provisioning:ClaimCode={code}", $"--Provisioning:FleetUrl={url}", $"--Provisioning:CaCertificate={Path.Combine(other, "ca.crt")}"]))
        {
            Assert.Equal(4, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("is not trusted", host.Output);
        }

        foreach (var pi in new[] { "pi-1", "pi-2", "pi-3" })
        {
            Assert.False(File.Exists(Path.Combine(_folder[pi], "identity.json")), pi);
        }

        // None of them redeemed the code: it still provisions a device that trusts the right CA.
        var (goodExit, good) = await ProvisionVerbAsync("--fleet", url, "--code", code, "--ca", Path.Combine(trusted, "ca.crt"), $"--Device:DataDir={_folder["pi-4"]}");
        Assert.True(goodExit == 0, good);
    }

    [Fact]
    public async Task Claim_code_for_a_plain_http_fleet_is_refused_unless_plaintext_is_allowed()
    {
        var fleet = await StartFleetAsync();
        var code = await fleet.EnrolAsync(FleetRunner.DefaultCentre, "7");
        var url = fleet.BaseUrl.ToString();

        var (verbExit, verb) = await ProvisionVerbAsync("--fleet", url, "--code", code, $"--Device:DataDir={_folder["pi-1"]}");
        Assert.Equal(2, verbExit);
        Assert.Contains("Provisioning:AllowPlaintext=true", verb);

        using (var host = DeviceProgram.Default.Start("first-boot",
            ["--simulate", $"--Device:DataDir={_folder["pi-2"]}", $"--Local:Port={FreePort.Next()}", $"--Provisioning:ClaimCode={code}", $"--Provisioning:FleetUrl={url}"]))
        {
            Assert.Equal(2, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"Provisioning:FleetUrl is {url}: over http://", host.Output);
        }

        // An https:// fleet without a pin is refused too, before anything is sent: the system's roots are not asked.
        var (unpinnedExit, unpinned) = await ProvisionVerbAsync("--fleet", $"https://127.0.0.1:{fleet.HttpPort}", "--code", code, $"--Device:DataDir={_folder["pi-3"]}");
        Assert.Equal(2, unpinnedExit);
        Assert.Contains("Provisioning:CaCertificate or Provisioning:CaFingerprint is needed", unpinned);

        var (allowedExit, allowed) = await ProvisionVerbAsync("--fleet", url, "--code", code, "--allow-plaintext", "true", $"--Device:DataDir={_folder["pi-4"]}");
        Assert.True(allowedExit == 0, allowed);
    }

    private async Task<FleetRunner> StartTlsFleetAsync(string ca, int tlsPort) => await StartFleetAsync(
        $"--Tls:Certificate={Path.Combine(ca, "server.pfx")}", $"--Mqtt:TlsPort={tlsPort}", $"--Provisioning:CaCertificate={Path.Combine(ca, "ca.crt")}");

    private async Task<FleetRunner> StartFleetAsync(params string[] args)
    {
        var fleet = new FleetRunner(_folder["fleet"], args);
        _started.Add(fleet);
        await fleet.StartAsync();
        return fleet;
    }

    private static async Task<(int Exit, string Output)> ProvisionVerbAsync(params string[] args)
    {
        using var verb = DeviceProgram.Default.Start("provision", ["provision", .. args]);
        var exit = await verb.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exit, verb.Output);
    }

    private static Task DrainedAsync(DeviceRunner device) =>
        Eventually.TrueAsync(
            async () => (await device.StatusAsync()).GetProperty("outboxDepth").GetInt64() == 0,
            TimeSpan.FromSeconds(60),
            $"{device.Id}'s outbox to drain");
}
