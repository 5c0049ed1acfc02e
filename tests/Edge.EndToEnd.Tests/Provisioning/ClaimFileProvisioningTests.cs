using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;
using Edge.Wire;

namespace Edge.EndToEnd.Tests.Provisioning;

/// <summary>
/// First boot without typing (real fleet over HTTPS and real device processes, device authentication on): the
/// technician's enrolment answer carries the <c>edge-claim.txt</c> text (code, fleet address, CA fingerprint); a Pi
/// with that file in its boot folder provisions itself, pinning the CA by that fingerprint, appears online, and the
/// code is gone from the file. A refused code stays in its file and is reported in <c>/status</c>.
/// </summary>
public sealed class ClaimFileProvisioningTests : IDisposable
{
    private readonly TempFolder _folder = new("claim-file");
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
    public async Task Device_with_the_enrolments_claim_file_in_its_boot_folder_provisions_over_HTTPS_appears_online_and_the_code_is_removed()
    {
        var ca = await TestCertificates.DevCaAsync(_folder["ca"]);
        var tlsPort = FreePort.Next();
        var fleet = new FleetRunner(_folder["fleet"], $"--Tls:Certificate={Path.Combine(ca, "server.pfx")}", $"--Mqtt:TlsPort={tlsPort}",
            $"--Provisioning:CaCertificate={Path.Combine(ca, "ca.crt")}");
        _started.Add(fleet);
        await fleet.StartAsync();

        var claimFile = await EnrolAsync(fleet, "boot-pi", "3");
        Assert.Contains($"fleet={fleet.BaseUrl.ToString().TrimEnd('/')}", claimFile);
        Assert.Contains($"ca-fingerprint={TestCertificates.FingerprintOf(Path.Combine(ca, "ca.crt"))}", claimFile);
        Assert.DoesNotContain("allow-plaintext", claimFile);
        var code = ClaimFile.Parse(claimFile, out _)!.Code!;
        var boot = _folder["boot"];
        Directory.CreateDirectory(boot);
        var path = Path.Combine(boot, ClaimFile.FileName);
        await File.WriteAllTextAsync(path, claimFile);

        var device = new DeviceRunner("boot-pi", _folder["boot-pi"], fleet.MqttPort, "--Device:Counter=3", "--Uplink:UseTls=true", $"--Uplink:Port={tlsPort}",
            $"--Provisioning:ClaimFileFolders:0={_folder["no-such-folder"]}", $"--Provisioning:ClaimFileFolders:1={boot}");
        _started.Add(device);
        await device.StartAsync();

        var online = await Eventually.ReturnsAsync(() => fleet.DeviceAsync("boot-pi"), d => d?.GetProperty("online").GetBoolean() == true,
            TimeSpan.FromSeconds(60), "the device online at the fleet");
        Assert.Equal(FleetRunner.DefaultCentre, online!.Value.GetProperty("centre").GetString());
        await device.PressAsync(1, 2);
        await Eventually.TrueAsync(async () => (await fleet.GetJsonAsync("/api/v1/stats/ratings?device=boot-pi")).GetProperty("total").GetInt64() == 2,
            TimeSpan.FromSeconds(60), "its ratings stored");

        var used = await File.ReadAllTextAsync(path);
        Assert.DoesNotContain(code, used);
        Assert.Contains("provisioned device boot-pi", used);
        Assert.Contains($"fleet={fleet.BaseUrl.ToString().TrimEnd('/')}", used);
        var provisioning = (await device.StatusAsync()).GetProperty("provisioning");
        Assert.Equal("provisioned", provisioning.GetProperty("state").GetString());
        Assert.Equal(path, provisioning.GetProperty("claimFile").GetString());
    }

    [Fact]
    public async Task A_refused_code_stays_in_its_claim_file_and_the_device_reports_why()
    {
        var fleet = new FleetRunner(_folder["fleet"]);
        _started.Add(fleet);
        await fleet.StartAsync();
        var claimFile = await EnrolAsync(fleet, "usb-pi", "4");
        Assert.Contains("allow-plaintext=true", claimFile);
        var code = ClaimFile.Parse(claimFile, out _)!.Code!;
        var stick = Path.Combine(_folder["media"], "STICK");
        Directory.CreateDirectory(stick);
        var path = Path.Combine(stick, ClaimFile.FileName);
        // The code is used by someone else first: the fleet refuses it to this device.
        using (var anonymous = fleet.CreateClient(withToken: false))
        {
            (await anonymous.PostAsJsonAsync("/api/v1/provision", new { code })).EnsureSuccessStatusCode();
        }

        await File.WriteAllTextAsync(path, claimFile);

        // Device:Role given: the host starts at once and provisions in the background, so /status can tell.
        var device = new DeviceRunner("usb-pi", _folder["usb-pi"], fleet.MqttPort, "--Device:Counter=4", "--Device:Role=counter",
            $"--Provisioning:ClaimFileFolders:0={_folder["media"]}/*");
        _started.Add(device);
        await device.StartAsync();

        var provisioning = await Eventually.ReturnsAsync(async () => (await device.StatusAsync()).GetProperty("provisioning"),
            p => p.GetProperty("state").GetString() == "refused", TimeSpan.FromSeconds(60), "the refusal in /status");
        Assert.Equal(path, provisioning.GetProperty("claimFile").GetString());
        Assert.Contains("used", provisioning.GetProperty("error").GetString());
        Assert.Contains(code, await File.ReadAllTextAsync(path));
        Assert.Contains("kept there", device.Output);
    }

    private static async Task<string> EnrolAsync(FleetRunner fleet, string deviceId, string counter)
    {
        using var response = await fleet.Http.PostAsJsonAsync("/api/v1/enrolments", new { centre = FleetRunner.DefaultCentre, counter, role = "counter", deviceId });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("claimFile").GetString()!;
    }
}
