using System.Text.Json;
using Edge.EndToEnd.Tests.Hall;
using Edge.Testing;

namespace Edge.EndToEnd.Tests.Demo;

/// <summary>
/// The README's main command (fleet with <c>--Demo:Devices=N</c>) with device authentication on, as shipped: the
/// demo counters, kiosk and hall display are enrolled in their roles, provision themselves with their claim codes
/// over HTTP, connect with their own secrets; citizens take tickets, are called and rate the counter that served them,
/// and the hall shows the calls.
/// </summary>
public sealed class MainCommandTests : IDisposable
{
    private readonly TempFolder _folder = new("main-command");
    private FleetRunner? _fleet;

    public void Dispose()
    {
        _fleet?.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Demo_centre_provisions_itself_with_claim_codes_and_its_tickets_are_issued_called_and_rated()
    {
        var firstPort = FreePort.NextRun(4);
        _fleet = new FleetRunner(_folder["fleet"], "--Demo:Devices=2", $"--Demo:FirstLocalPort={firstPort}", "--Demo:PressIntervalMs=200");
        await _fleet.StartAsync();

        var devices = new List<JsonElement>();
        try
        {
            devices = await Eventually.ReturnsAsync(
                async () => (await _fleet.GetJsonAsync("/api/v1/devices")).EnumerateArray().ToList(),
                list => list.Count(d => d.GetProperty("online").GetBoolean() && d.GetProperty("id").GetString()!.StartsWith("demo-", StringComparison.Ordinal)
                    && d.GetProperty("id").GetString() != "demo-hall" && d.GetProperty("upTo").GetInt64() > 6) == 3
                    && list.Any(d => d.GetProperty("id").GetString() == "demo-hall" && d.GetProperty("online").GetBoolean()),
                TimeSpan.FromSeconds(90),
                "both demo counters and the kiosk online with events stored, and the hall online");
        }
        catch (TimeoutException ex)
        {
            Assert.Fail($"{ex.Message}\n{await _fleet.GetJsonAsync("/api/v1/devices")}\n{_fleet.Output}");
        }

        var audit = await _fleet.GetJsonAsync("/api/v1/audit?limit=200");

        Assert.Equal(["demo-1", "demo-2", "demo-hall", "demo-kiosk"], devices.Select(d => d.GetProperty("id").GetString()).Order());
        Assert.All(devices, d => Assert.Equal("demo-centre", d.GetProperty("centre").GetString()));
        var provisioned = audit.EnumerateArray().Where(e => e.GetProperty("action").GetString() == "device.provisioned").Select(e => e.GetProperty("subject").GetString()).ToList();
        Assert.Contains("demo-1", provisioned);
        Assert.Contains("demo-2", provisioned);
        Assert.Contains("demo-kiosk", provisioned);
        Assert.Contains("demo-hall", provisioned);

        // The queue of the day: tickets issued at the kiosk, called by the counters, rated by the citizens served.
        var queue = await Eventually.ReturnsAsync(
            () => _fleet.GetJsonAsync("/api/v1/stats/queue?centre=demo-centre"),
            q => q.GetProperty("all").GetProperty("called").GetInt32() >= 2 && q.GetProperty("all").GetProperty("ratings").GetInt32() >= 1,
            TimeSpan.FromSeconds(90),
            "tickets issued, called and rated");
        Assert.True(queue.GetProperty("all").GetProperty("issued").GetInt32() >= queue.GetProperty("all").GetProperty("called").GetInt32());
        Assert.True((await _fleet.GetJsonAsync("/api/v1/stats/ratings")).GetProperty("total").GetInt64() > 0);

        // The hall display (the port after the kiosk's) shows the latest calls from the fleet's board.
        using var hall = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{firstPort + 3}") };
        var state = await Eventually.ReturnsAsync(
            () => HallStateAsync(hall),
            s => s.GetProperty("board").ValueKind == JsonValueKind.Object && s.GetProperty("board").GetProperty("calls").GetArrayLength() > 0,
            TimeSpan.FromSeconds(60),
            "calls on the hall display");
        Assert.Equal("demo-centre", state.GetProperty("board").GetProperty("centre").GetString());

        // Every call the hall shows was announced once: one WAV (named after the call's ticket and counter) that lasts.
        var (shown, listing) = await Eventually.ReturnsAsync(
            async () => (Calls: (await HallStateAsync(hall)).GetProperty("board").GetProperty("calls").EnumerateArray().ToList(), Listing: await HallAnnouncements.ListingAsync(hall)),
            p => p.Calls.Count > 0 && p.Calls.All(c => WavsOf(c, p.Listing) is [var one] && HallAnnouncements.Complete([one])),
            TimeSpan.FromSeconds(60),
            "one announcement WAV for each call on the hall");
        var folder = listing.GetProperty("folder").GetString()!;
        foreach (var call in shown)
        {
            var wav = Assert.Single(WavsOf(call, listing)).GetProperty("file").GetString()!;
            var seconds = await HallAnnouncements.DurationAsync(Path.Combine(folder, wav));
            Assert.True(seconds > 0.5, $"{wav} (the call {call}) lasts {seconds} s");
        }
        Assert.DoesNotContain("Refused MQTT connection", _fleet.Output); // devices wait for their secret before connecting
        Assert.True(File.Exists(Path.Combine(_folder["fleet"], "demo", "demo-1", "identity.json")), "the device keeps its identity for the next start");
    }

    /// <summary>
    /// The first hour of a new user: the main command started again on its data folder logs no failure and says how to
    /// sign in; deleted, its data folder comes back with a demo whose devices provision again (their identities live
    /// in the fleet's data folder, even when that is given relative to the fleet's working folder as the README's is).
    /// </summary>
    [Fact]
    public async Task Restarting_the_main_command_logs_no_failure_and_deleting_its_data_folder_gives_a_working_demo_again()
    {
        var firstPort = FreePort.NextRun(3);
        var dataDir = _folder["fleet"];
        // Relative, as "./data/fleet" is: the fleet's working folder is its build folder, the devices' theirs.
        var relative = Path.GetRelativePath(Path.GetDirectoryName(RepoPaths.FleetDll)!, dataDir);
        _fleet = new FleetRunner(relative, "--Demo:Devices=1", $"--Demo:FirstLocalPort={firstPort}", "--Demo:PressIntervalMs=300");

        await _fleet.StartAsync();
        var upTo = await DemoOnlineAsync("first start");
        Assert.True(File.Exists(Path.Combine(dataDir, "demo", "demo-1", "identity.json")), "the demo device's identity lives in the fleet's data folder");

        await _fleet.StopAsync(TimeSpan.FromSeconds(30));
        await _fleet.StartAsync();
        await DemoOnlineAsync("restart", upTo);
        var failures = _fleet.Process.Text.Split('\n').Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count == 0, $"a restart logged failures:\n{_fleet.Output}");
        Assert.Contains("Sign in:", _fleet.Output);

        await _fleet.StopAsync(TimeSpan.FromSeconds(30));
        Directory.Delete(dataDir, recursive: true);
        await _fleet.StartAsync();
        await DemoOnlineAsync("start on a deleted data folder");
        var audit = await _fleet.GetJsonAsync("/api/v1/audit?limit=200");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "device.provisioned" && e.GetProperty("subject").GetString() == "demo-1");
    }

    private static async Task<JsonElement> HallStateAsync(HttpClient hall) => JsonDocument.Parse(await hall.GetStringAsync("/hall/state")).RootElement.Clone();

    /// <summary>The announcements of one call on the hall's board: the hall names each WAV after its ticket, counter and recall.</summary>
    private static List<JsonElement> WavsOf(JsonElement call, JsonElement listing)
    {
        var recall = call.TryGetProperty("recall", out var r) && r.GetBoolean() ? "-recall" : "";
        var suffix = $"-{call.GetProperty("number").GetString()}-q{call.GetProperty("counter").GetString()}{recall}.wav";
        return listing.GetProperty("announcements").EnumerateArray()
            .Where(a => a.GetProperty("file").GetString()!.EndsWith(suffix, StringComparison.Ordinal)).ToList();
    }

    /// <summary>Waits for the demo counter, kiosk and hall online, with the counter's events stored beyond <paramref name="afterUpTo"/>; the counter's upTo.</summary>
    private async Task<long> DemoOnlineAsync(string when, long afterUpTo = 0)
    {
        try
        {
            var devices = await Eventually.ReturnsAsync(
                async () => (await _fleet!.GetJsonAsync("/api/v1/devices")).EnumerateArray().ToList(),
                list => list.Count(d => d.GetProperty("online").GetBoolean() && d.GetProperty("id").GetString() is "demo-1" or "demo-kiosk" or "demo-hall") == 3
                    && list.Any(d => d.GetProperty("id").GetString() == "demo-1" && d.GetProperty("upTo").GetInt64() > afterUpTo),
                TimeSpan.FromSeconds(90),
                $"the demo counter, kiosk and hall online after the {when}, the counter's events stored beyond {afterUpTo}");
            return devices.First(d => d.GetProperty("id").GetString() == "demo-1").GetProperty("upTo").GetInt64();
        }
        catch (TimeoutException ex)
        {
            Assert.Fail($"{ex.Message}\n{await _fleet!.GetJsonAsync("/api/v1/devices")}\n{_fleet.Output}");
            throw;
        }
    }
}
