using Edge.Testing;

namespace Edge.Fleet.Tests.Hosting;

/// <summary>A bad setting stops start-up with one line naming its key, and exit code 2.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly TempFolder _data = new("fleet-startup");

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("--Mqtt:Port", "70000", "error: Mqtt:Port must be 1-65535 (got 70000)")]
    [InlineData("--Mqtt:Port", "0", "error: Mqtt:Port must be 1-65535 (got 0)")]
    [InlineData("--Mqtt:BindAddress", "not-an-ip", "error: Mqtt:BindAddress must be an IP address (got 'not-an-ip')")]
    [InlineData("--Mqtt:Port", "many", "Mqtt:Port")]
    // Sections once checked by validator classes of their own (one returning only its first problem), or not at all.
    [InlineData("--Hall:Calls", "0", "error: Hall:Calls must be 1-50 (got 0)")]
    [InlineData("--Security:DeviceAuth", "sometimes", "error: Security:DeviceAuth must be 'required' or 'open' (got 'sometimes')")]
    [InlineData("--Queue:TimeZone", "Mars/Olympus", "error: Queue:TimeZone 'Mars/Olympus' is not a known time zone")]
    [InlineData("--Ingest:MaxSeqAhead", "0", "error: Ingest:MaxSeqAhead must be at least 1 (got 0)")]
    [InlineData("--Demo:PressIntervalMs", "-5", "error: Demo:PressIntervalMs must be at least 1 (got -5)")]
    public async Task Bad_setting_stops_start_up_with_one_line_naming_the_key(string key, string value, string expected)
    {
        var output = await RunUntilExitAsync(key, value);

        Assert.Contains(expected, output.Single());
    }

    [Fact]
    public async Task Data_folder_that_is_a_file_stops_start_up_with_one_line_naming_the_key()
    {
        var file = _data["not-a-folder"];
        await File.WriteAllTextAsync(file, "x");

        var output = await RunUntilExitAsync("--Fleet:DataDir", file);

        Assert.Contains("error: Fleet:DataDir must be a writable folder", output.Single());
    }

    [Fact]
    public async Task Two_bad_settings_are_reported_on_one_line()
    {
        var output = await RunUntilExitAsync("--Mqtt:Port", "99999", "--Mqtt:BindAddress", "nowhere");

        var line = output.Single();
        Assert.Contains("Mqtt:Port must be 1-65535 (got 99999)", line);
        Assert.Contains("Mqtt:BindAddress must be an IP address", line);
    }

    [Fact]
    public async Task Every_problem_of_a_section_is_reported_not_only_the_first()
    {
        var output = await RunUntilExitAsync("--Queue:PriorityRun", "0", "--Queue:HallCalls", "0");

        Assert.EndsWith("error: Queue:PriorityRun must be 1-100 (got 0); Queue:HallCalls must be 1-100 (got 0)", output.Single().TrimEnd('\r'));
    }

    [Fact]
    public async Task Broker_port_already_taken_stops_start_up_naming_the_key()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var output = await RunUntilExitAsync("--Mqtt:Port", port.ToString());

        // The host logs its own failure first; the last line is ours.
        Assert.Contains($"error: Mqtt:Port {port} on 127.0.0.1 cannot be opened", output[^1]);
    }

    [Fact]
    public async Task Unreadable_or_mismatched_certificate_stops_start_up_naming_the_key()
    {
        var ca = await TestCertificates.DevCaAsync(_data["ca"]);
        var other = await TestCertificates.DevCaAsync(_data["other-ca"]);
        var https = $"https://127.0.0.1:{FreePort.Next()}";
        var wrongKey = _data["wrong.key"];
        using (var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(wrongKey, key.ExportPkcs8PrivateKeyPem());
        }

        var missing = await RunUntilExitAsync("--urls", https, "--Tls:Certificate", _data["nowhere.pfx"]);
        Assert.Contains("error: Tls:Certificate must be a readable PFX file", missing.Single());

        var mismatched = await RunUntilExitAsync("--urls", https, "--Tls:Certificate", Path.Combine(ca, "server.crt"), "--Tls:CertificateKey", wrongKey);
        Assert.Contains("error: Tls:Certificate must be a readable PEM certificate whose private key is Tls:CertificateKey", mismatched.Single());

        var notOurCa = await RunUntilExitAsync("--urls", https, "--Tls:Certificate", Path.Combine(ca, "server.pfx"),
            "--Provisioning:CaCertificate", Path.Combine(other, "ca.crt"));
        Assert.Contains("is not signed by Provisioning:CaCertificate", notOurCa.Single());
    }

    [Fact]
    public async Task Certificate_without_an_https_address_or_under_its_old_name_stops_start_up()
    {
        var ca = await TestCertificates.DevCaAsync(_data["ca"]);
        var pfx = Path.Combine(ca, "server.pfx");

        var noHttps = await RunUntilExitAsync("--Tls:Certificate", pfx);
        Assert.Contains("error: Tls:Certificate is set but no https:// address is configured", noHttps.Single());

        var oldName = await RunUntilExitAsync("--urls", $"https://127.0.0.1:{FreePort.Next()}", "--Mqtt:Certificate", pfx);
        Assert.Contains("error: Mqtt:Certificate is now Tls:Certificate", oldName.Single());
    }

    /// <summary>Runs the fleet with settings overridden; asserts exit code 2 and returns what it printed.</summary>
    private async Task<List<string>> RunUntilExitAsync(params string[] overrides)
    {
        string[] args =
        [
            "--urls", $"http://127.0.0.1:{FreePort.Next()}",
            "--Mqtt:Port", FreePort.Next().ToString(),
            "--Mqtt:BindAddress", "127.0.0.1",
            "--Fleet:DataDir", _data["fleet"],
            .. overrides, // later arguments win
        ];
        using var fleet = ChildProcess.StartDll("fleet", RepoPaths.FleetDll, args);

        var exitCode = await fleet.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(100);

        var lines = fleet.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{fleet.Output}");
        return lines;
    }
}
