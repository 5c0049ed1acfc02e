using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;

namespace Edge.EndToEnd.Tests.Updates;

/// <summary>
/// A device installed as on a Pi: <c>{root}/releases/9.0.1</c> with <c>current</c> pointing at it, its data folder
/// outside the root, and the launcher (the program systemd would start) running <c>current</c>. Counts the presses
/// the device acknowledged, so that the fleet's totals can be compared with them.
/// </summary>
public sealed class LaunchedDevice : IDisposable
{
    private readonly HostBuilds _builds;
    private readonly string _folder;
    private readonly string[] _identity;
    private readonly int _mqttPort;
    private readonly string _counter;
    private ChildProcess? _launcher;
    private long _pressed;

    /// <summary>A device given its credentials (already provisioned).</summary>
    public LaunchedDevice(HostBuilds builds, string folder, DeviceCredentials credentials, int mqttPort, string counter)
        : this(builds, folder, credentials.DeviceId, [$"--Uplink:Password={credentials.Secret}"], mqttPort, counter)
    {
    }

    private LaunchedDevice(HostBuilds builds, string folder, string deviceId, string[] identity, int mqttPort, string counter)
    {
        _builds = builds;
        _folder = folder;
        Id = deviceId;
        _identity = identity;
        _mqttPort = mqttPort;
        _counter = counter;
        LocalPort = FreePort.Next();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{LocalPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>
    /// A device that provisions itself with a claim code at its first start, as an unattended Pi does; the versions it
    /// runs later find identity.json in its data folder (outside the install root) and ignore the code.
    /// </summary>
    public static LaunchedDevice WithClaimCode(
        HostBuilds builds, string folder, string deviceId, string claimCode, Uri fleetUrl, int mqttPort, string counter, params string[] hostArguments) =>
        new(builds, folder, deviceId,
            [
                $"--Provisioning:ClaimCode={claimCode}",
                $"--Provisioning:FleetUrl={fleetUrl.ToString().TrimEnd('/')}",
                .. fleetUrl.Scheme == Uri.UriSchemeHttp ? ["--Provisioning:AllowPlaintext=true"] : Array.Empty<string>(),
            ],
            mqttPort, counter)
        {
            HostArguments = hostArguments,
        };

    public string Id { get; }

    /// <summary>More settings for the host, after (and so over) the defaults above.</summary>
    public IReadOnlyList<string> HostArguments { get; init; } = [];

    public string Root => Path.Combine(_folder, "edge");

    public int LocalPort { get; }

    public HttpClient Http { get; }

    public string Output => _launcher?.Output ?? "";

    public async Task StartAsync()
    {
        var release = Path.Combine(Root, "releases", HostBuilds.Installed);
        CopyFolder(_builds.Published(HostBuilds.Installed), release);
        File.CreateSymbolicLink(Path.Combine(Root, "current"), Path.Combine("releases", HostBuilds.Installed));
        _launcher = ChildProcess.StartDll("launcher", RepoPaths.BuiltDll("device/Launcher", "edge-launcher"),
        [
            $"--Launcher:InstallRoot={Root}",
            "--",
            "--simulate",
            $"--Device:Id={Id}",
            $"--Device:DataDir={Path.Combine(_folder, "data")}",
            $"--Device:Counter={_counter}",
            "--Uplink:Host=127.0.0.1",
            $"--Uplink:Port={_mqttPort}",
            .. _identity,
            "--Uplink:ReconnectMin=00:00:00.200",
            "--Uplink:ReconnectMax=00:00:02",
            $"--Local:Port={LocalPort}",
            "--Rating:DebounceMs=5",
            "--Rating:LockoutMs=0",
            $"--Updates:TrustedPublicKey={_builds.TrustedPublicKey}",
            "--Updates:HealthyWithin=00:00:20",
            .. HostArguments,
        ]);
        await WaitUntilServingAsync();
    }

    public async Task WaitUntilServingAsync() =>
        await Eventually.TrueAsync(
            async () => _launcher!.HasExited
                ? throw new InvalidOperationException("the launcher exited:\n" + Output)
                : await IsConnectedAsync(),
            TimeSpan.FromSeconds(90),
            $"device {Id} to serve and connect");

    public async Task<JsonElement> StatusAsync() => await Http.GetFromJsonAsync<JsonElement>("/status");

    /// <summary>Presses the best button <paramref name="count"/> times, one request each.</summary>
    public async Task PressAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await Http.PostAsync("/sim/press?button=1&count=1", null);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            Interlocked.Increment(ref _pressed);
        }
    }

    /// <summary>
    /// Presses until cancelled, through the host's restarts: a press the host answered is durable in its outbox; a
    /// refused connection (no host listening for a moment) pressed nothing.
    /// </summary>
    public async Task KeepPressingAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var response = await http.PostAsync("/sim/press?button=1&count=1", null, CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _pressed);
                }
            }
            catch (HttpRequestException)
            {
            }

            try
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Every acknowledged press is one rating at the fleet, and every event the device numbered is stored.</summary>
    public async Task AssertStoredExactlyOnceAsync(FleetRunner fleet)
    {
        await Eventually.TrueAsync(
            async () => (await StatusAsync()).GetProperty("outboxDepth").GetInt64() == 0,
            TimeSpan.FromSeconds(60),
            "the outbox to drain");
        var stats = await fleet.GetJsonAsync($"/api/v1/stats/ratings?counter={_counter}");
        Assert.Equal(Interlocked.Read(ref _pressed), stats.GetProperty("total").GetInt64());
        var seen = (await fleet.DeviceAsync(Id))!.Value;
        Assert.Equal((await StatusAsync()).GetProperty("nextSeq").GetInt64() - 1, seen.GetProperty("upTo").GetInt64());
        Assert.Equal(0, seen.GetProperty("missing").GetInt64());
    }

    public void Dispose()
    {
        _launcher?.Dispose();
        Http.Dispose();
    }

    private async Task<bool> IsConnectedAsync()
    {
        try
        {
            return (await StatusAsync()).GetProperty("connected").GetBoolean();
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.EnumerateDirectories(from))
        {
            CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }
}
