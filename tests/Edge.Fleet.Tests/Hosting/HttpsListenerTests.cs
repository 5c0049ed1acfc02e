using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Edge.Testing;

namespace Edge.Fleet.Tests.Hosting;

/// <summary>
/// With its certificate (<c>Tls:Certificate</c>) a real fleet process serves HTTPS, and its plaintext HTTP listener is
/// off unless kept (<c>Http:KeepPlaintext</c>), and then on 127.0.0.1 whatever address <c>--urls</c> names.
/// </summary>
public sealed class HttpsListenerTests : IDisposable
{
    private readonly TempFolder _data = new("fleet-https");
    private readonly List<IDisposable> _started = [];

    public void Dispose()
    {
        foreach (var started in _started)
        {
            started.Dispose();
        }

        _data.Dispose();
    }

    [Fact]
    public async Task With_a_certificate_the_fleet_serves_HTTPS_and_its_plaintext_listener_is_off()
    {
        var ca = await TestCertificates.DevCaAsync(_data["ca"]);
        var (httpsPort, httpPort) = (FreePort.Next(), FreePort.Next());
        var fleet = Start(ca, $"https://127.0.0.1:{httpsPort};http://127.0.0.1:{httpPort}");
        using var https = new HttpClient(TestCertificates.TrustingOnly(Path.Combine(ca, "ca.crt"))) { BaseAddress = new Uri($"https://127.0.0.1:{httpsPort}") };

        await AnswersAsync(fleet, https);
        // The CA devices pin by fingerprint is served to anyone, over the checked connection here.
        Assert.Equal(File.ReadAllText(Path.Combine(ca, "ca.crt")), await https.GetStringAsync("/api/v1/provision/ca"));
        using var plain = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => plain.ConnectAsync(IPAddress.Loopback, httpPort));
        Assert.Contains("HTTP plaintext listener off", fleet.Output);
    }

    [Fact]
    public async Task Kept_plaintext_listener_listens_on_loopback_only()
    {
        var ca = await TestCertificates.DevCaAsync(_data["ca"]);
        var (httpsPort, httpPort) = (FreePort.Next(), FreePort.Next());
        var fleet = Start(ca, $"https://127.0.0.1:{httpsPort};http://0.0.0.0:{httpPort}", "--Http:KeepPlaintext=true");
        using var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };

        await AnswersAsync(fleet, plain);
        Assert.Contains($"Now listening on: http://127.0.0.1:{httpPort}", fleet.Output);
        Assert.DoesNotContain($"Now listening on: http://0.0.0.0:{httpPort}", fleet.Output);
        foreach (var address in OtherAddressesOfThisMachine())
        {
            using var outside = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => outside.ConnectAsync(address, httpPort));
        }
    }

    private ChildProcess Start(string ca, string urls, params string[] more)
    {
        var fleet = ChildProcess.StartDll("fleet", RepoPaths.FleetDll,
        [
            "--urls", urls,
            $"--Mqtt:Port={FreePort.Next()}",
            $"--Mqtt:TlsPort={FreePort.Next()}",
            "--Mqtt:BindAddress=127.0.0.1",
            $"--Fleet:DataDir={_data["fleet"]}",
            $"--Tls:Certificate={Path.Combine(ca, "server.pfx")}",
            $"--Provisioning:CaCertificate={Path.Combine(ca, "ca.crt")}",
            .. more,
        ]);
        _started.Add(fleet);
        return fleet;
    }

    private static Task AnswersAsync(ChildProcess fleet, HttpClient http) =>
        Eventually.TrueAsync(
            async () => fleet.HasExited
                ? throw new InvalidOperationException("fleet exited:\n" + fleet.Output)
                : (await http.GetAsync("/healthz")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60),
            "the fleet to answer");

    /// <summary>This machine's IPv4 addresses that are not loopback (none on a machine without a network).</summary>
    private static IEnumerable<IPAddress> OtherAddressesOfThisMachine() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
