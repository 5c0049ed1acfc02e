using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.EndToEnd.Tests.Queue;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Faults;

/// <summary>
/// Issue 13 item 1 on a real full disk: the fleet's data folder is a small tmpfs this test mounts and fills. While it
/// is full the fleet says so (503 naming the store and the reason, <c>/healthz</c>, <c>/metrics</c>) and acks nothing
/// (the device keeps its presses); once space is back, acks resume in the same process, which is still alive a minute
/// later (LiteDB's finalizers of the failed engines defused), and every press is counted once. The same for the queue
/// and the alerts: during the first outage a ticket issued at the kiosk is not acked, a counter's call-next is not
/// answered (nothing handed out), and a device that went offline gets no alert; once space is back the ticket is listed
/// and called, and the alert opens, in the same process. Needs root for the mount: CI runs as root; elsewhere the test
/// fails saying so.
/// </summary>
public sealed class FleetDiskFullTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(120);

    /// <summary>From the disk freed to the device's outbox empty: the store's backoff (at most 10 s) plus the device's resend.</summary>
    private static readonly TimeSpan Resume = TimeSpan.FromSeconds(60);

    /// <summary>How long a device must be gone before its offline alert opens (<c>Alerts:Defaults:OfflineMinutes</c>): longer than filling the disk takes.</summary>
    private static readonly TimeSpan OfflineFor = TimeSpan.FromSeconds(15);

    private readonly TempFolder _folder = new("disk-full-e2e");
    private readonly List<IDisposable> _started = [];
    private FleetDataDisk? _disk;

    public void Dispose()
    {
        foreach (var process in _started)
        {
            process.Dispose();
        }

        _disk?.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Fleet_on_a_full_disk_answers_503_then_acks_again_without_a_restart_and_loses_nothing()
    {
        _disk = await FleetDataDisk.MountAsync(_folder["fleet"], 64);
        Assert.True(_disk.Unavailable is null, $"this test mounts a tmpfs and must run as root: {_disk.Unavailable}");

        var fleet = new FleetRunner(
            _disk.Path,
            "--Alerts:EvaluateEverySeconds=0.5",
            "--Alerts:Defaults:OpeningHours=always",
            $"--Alerts:Defaults:OfflineMinutes={OfflineFor.TotalMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            "--Alerts:Defaults:ClockUnsyncedMinutes=0",
            "--Alerts:Defaults:NoRatingHours=0",
            "--Alerts:Defaults:DiskFreeMb=0");
        _started.Add(fleet);
        await fleet.StartAsync();
        var device = Device(fleet, "counter-disk-full", "counter", "--Device:Counter=7");
        var centre = new Centre(
            Device(fleet, "kiosk-disk-full", "kiosk", QueueCentre.KioskArguments(1, 499)),
            Device(fleet, "desk-disk-full", "counter", ["--Device:Counter=8", .. QueueCentre.CounterArguments(callTimeoutMs: 3000)]),
            Device(fleet, "spare-disk-full", "counter", "--Device:Counter=9"));
        await Task.WhenAll(new[] { device, centre.Kiosk, centre.Desk, centre.Spare }.Select(d => d.StartAsync()));
        try
        {
            await device.PressAsync(1, 10);
            await DrainedAsync(device, Drain);
            await QueueCentre.PressPinAsync(centre.Kiosk, QueueCentre.Fields[0].Pin);
            await Eventually.TrueAsync(async () => (await TicketNumbersAsync(fleet)).Contains("A001"), Drain, "the fleet to list A001");
            Assert.Equal("A001", await QueueCentre.PressAndReadDisplayAsync(centre.Desk, QueueCentre.CallNextPin));
            var pid = fleet.Process.Id;

            // Twice: the soak's fleet came back from its first full disk and hung on the second. The queue and the alerts the first time.
            for (var outage = 1; outage <= 2; outage++)
            {
                await FillAndFreeAsync(_disk, fleet, device, pid, outage, outage == 1 ? centre : null);
            }

            await Eventually.TrueAsync(async () => (await HealthAsync(fleet)).Status == HttpStatusCode.OK, Resume, "/healthz to answer 200");

            // A minute of ordinary work in the same process: a failed engine's transactions, when finalized, used to kill it.
            var alive = Stopwatch.StartNew();
            var later = 0;
            while (alive.Elapsed < TimeSpan.FromSeconds(60))
            {
                Assert.True(fleet.IsRunning, "the fleet died after the disk was freed:\n" + fleet.Output);
                await device.PressAsync(3, 1);
                later++;
                await Task.Delay(TimeSpan.FromSeconds(3));
            }

            await DrainedAsync(device, Drain);
            Assert.True(fleet.IsRunning, "the fleet died after the disk was freed:\n" + fleet.Output);
            Assert.Equal(pid, fleet.Process.Id);
            // Every press answered is counted once: none lost in the outage, none doubled by the resends after it.
            var stats = await fleet.GetJsonAsync("/api/v1/stats/ratings?counter=7");
            var seen = (await fleet.DeviceAsync(device.Id))!.Value;
            output.WriteLine($"{20 + later} presses; fleet: {seen}; ratings: {stats}");
            Assert.Equal(0, seen.GetProperty("missing").GetInt64());
            Assert.Equal((await device.StatusAsync()).GetProperty("lastAckedSeq").GetInt64(), seen.GetProperty("upTo").GetInt64());
            Assert.Equal(20 + later, stats.GetProperty("total").GetInt64());
            Assert.Equal(10, stats.GetProperty("byLevel").GetProperty("4").GetInt64());
            Assert.Equal(10, stats.GetProperty("byLevel").GetProperty("3").GetInt64());
            Assert.Equal(later, stats.GetProperty("byLevel").GetProperty("2").GetInt64());

            var logLines = fleet.Output.Split('\n');
            var spaceLines = logLines.Count(l => l.Contains("No space left on device", StringComparison.Ordinal));
            output.WriteLine($"{spaceLines} log lines mention the full disk");
            Assert.True(spaceLines < 150, $"the outage was logged once per store and reopening, not for every call ({spaceLines} lines)");
            Assert.DoesNotContain("Unhandled exception", fleet.Output, StringComparison.Ordinal);
        }
        catch
        {
            output.WriteLine(fleet.Output);
            output.WriteLine(device.Output);
            throw;
        }
    }

    /// <summary>
    /// Fills the disk while the device presses, sees the fleet refuse and say why, frees the disk and sees the acks resume
    /// in the same process (<paramref name="pid"/>) within <see cref="Resume"/>.
    /// </summary>
    private async Task FillAndFreeAsync(FleetDataDisk disk, FleetRunner fleet, DeviceRunner device, int pid, int outage, Centre? centre)
    {
        var gone = centre is null ? null : await SpareGoesOfflineAsync(fleet, centre.Spare);
        var ballast = await disk.FillAsync(CancellationToken.None);
        output.WriteLine($"outage {outage}: ballast {ballast / (1 << 20)} MiB");
        await device.PressAsync(2, 5); // on the device's own disk: answered, waiting for the fleet's ack

        var health = await Eventually.ReturnsAsync(() => HealthAsync(fleet), h => h.Status == HttpStatusCode.ServiceUnavailable, Drain, "/healthz to answer 503");
        Assert.Contains("store-unavailable", health.Body, StringComparison.Ordinal);
        Assert.Contains("No space left on device", health.Body, StringComparison.Ordinal);
        Assert.Matches("the (event|registry|presence|health|rating-keys) store", health.Body);

        var refused = await Eventually.ReturnsAsync(
            () => GetAsync(fleet, "/api/v1/stats/ratings?counter=7"), r => r.Status == HttpStatusCode.ServiceUnavailable, Drain, "the API to answer 503");
        Assert.Matches("the [a-z-]+ store", JsonDocument.Parse(refused.Body).RootElement.GetProperty("error").GetString());
        await Eventually.TrueAsync(
            async () => (await GetAsync(fleet, "/metrics")).Body.Contains("edge_store_up{store=\"event\"} 0", StringComparison.Ordinal),
            Drain,
            "/metrics to show the event store down");
        Assert.True((await device.StatusAsync()).GetProperty("outboxDepth").GetInt64() >= 5, "the presses wait on the device, not acked");
        if (centre is not null)
        {
            await QueueHeldBackAsync(fleet, centre);

            // The spare's offline alert is due while the disk is still full: it must wait for the disk, not be lost.
            var due = OfflineFor + TimeSpan.FromSeconds(5) - gone!.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }
        }

        disk.Free();
        var freedAt = DateTimeOffset.UtcNow;
        var freed = Stopwatch.StartNew();
        await DrainedAsync(device, Resume);
        output.WriteLine($"outage {outage}: acks resumed {freed.Elapsed.TotalSeconds:0.0} s after the disk was freed");
        Assert.Equal(pid, fleet.Process.Id);
        if (centre is not null)
        {
            await QueueAndAlertResumeAsync(fleet, centre, freedAt);
        }
    }

    /// <summary>Stops the spare device and waits until the fleet has it offline (its alert then opens <see cref="OfflineFor"/> later).</summary>
    private static async Task<Stopwatch> SpareGoesOfflineAsync(FleetRunner fleet, DeviceRunner spare)
    {
        spare.Kill();
        var gone = Stopwatch.StartNew();
        await Eventually.TrueAsync(async () => (await fleet.DeviceAsync(spare.Id))?.GetProperty("online").GetBoolean() == false, Drain, "the fleet to see the spare offline");
        Assert.Empty(await OfflineAlertsAsync(fleet, spare.Id));
        return gone;
    }

    /// <summary>
    /// On the full disk: a ticket issued at the kiosk fails the queue store (named in <c>/healthz</c>) and stays in the
    /// kiosk's outbox; the counter's call-next is not answered ("----" after its call timeout), and nothing is handed out.
    /// </summary>
    private async Task QueueHeldBackAsync(FleetRunner fleet, Centre centre)
    {
        await QueueCentre.PressPinAsync(centre.Kiosk, QueueCentre.Fields[0].Pin);
        Assert.Contains(await QueueCentre.PrintedPagesAsync(centre.Kiosk), p => p.Contains("A002", StringComparison.Ordinal));
        var health = await Eventually.ReturnsAsync(
            () => HealthAsync(fleet), h => h.Body.Contains("the queue store", StringComparison.Ordinal), Drain, "/healthz to name the queue store");
        output.WriteLine($"on the full disk: {health.Body}");
        Assert.True((await centre.Kiosk.StatusAsync()).GetProperty("outboxDepth").GetInt64() >= 1, "the ticket waits on the kiosk, not acked");

        Assert.Equal("----", await QueueCentre.PressAndReadDisplayAsync(centre.Desk, QueueCentre.CallNextPin));
        // /metrics needs a login: when the registry's file failed too, the answer is the registry's 503, not the figures.
        var metrics = await GetAsync(fleet, "/metrics");
        Assert.Contains(metrics.Status == HttpStatusCode.ServiceUnavailable ? "the registry store" : "edge_store_refused_total{store=\"queue\"}", metrics.Body, StringComparison.Ordinal);

        // A change of the centre's alert rules is a durable write of the alert store (unless the login's registry failed first).
        var (status, body) = await PutRulesAsync(fleet);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Matches("the (alert|registry) store", body);
    }

    private static async Task<(HttpStatusCode Status, string Body)> PutRulesAsync(FleetRunner fleet)
    {
        using var response = await fleet.Http.PutAsJsonAsync($"/api/v1/alerts/rules/{FleetRunner.DefaultCentre}", new { offlineMinutes = OfflineFor.TotalMinutes });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Space back: the kiosk's ticket reaches the list and the counter calls it; the spare's offline alert opens, after the disk was freed.</summary>
    private async Task QueueAndAlertResumeAsync(FleetRunner fleet, Centre centre, DateTimeOffset freedAt)
    {
        await DrainedAsync(centre.Kiosk, Resume);
        await Eventually.TrueAsync(async () => (await TicketNumbersAsync(fleet)).Contains("A002"), Resume, "the fleet to list A002");
        Assert.Equal("A002", await QueueCentre.PressAndReadDisplayAsync(centre.Desk, QueueCentre.CallNextPin));
        var tickets = (await fleet.GetJsonAsync($"/api/v1/queue/tickets?centre={FleetRunner.DefaultCentre}")).GetProperty("tickets").EnumerateArray()
            .ToDictionary(t => t.GetProperty("number").GetString()!, t => t.GetProperty("counter").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["A001"] = "8", ["A002"] = "8" }, tickets);

        var alert = Assert.Single(await Eventually.ReturnsAsync(
            () => OfflineAlertsAsync(fleet, centre.Spare.Id), a => a.Count > 0, Resume, "the spare's offline alert to open"));
        var openedAt = alert.GetProperty("openedAt").GetDateTimeOffset();
        output.WriteLine($"the spare's offline alert opened {(openedAt - freedAt).TotalSeconds:0.0} s after the disk was freed");
        Assert.True(openedAt >= freedAt.AddSeconds(-1), $"the alert was committed once the disk had room (opened {openedAt:O}, freed {freedAt:O})");
        await Eventually.TrueAsync(async () => (await PutRulesAsync(fleet)).Status == HttpStatusCode.OK, Resume, "the alert rules to be stored");
    }

    private static async Task<List<JsonElement>> OfflineAlertsAsync(FleetRunner fleet, string deviceId) =>
        [.. (await fleet.GetJsonAsync("/api/v1/alerts")).GetProperty("open").EnumerateArray()
            .Where(a => a.GetProperty("kind").GetString() == "device-offline" && a.GetProperty("deviceId").GetString() == deviceId)];

    private static async Task<List<string>> TicketNumbersAsync(FleetRunner fleet) =>
        [.. (await fleet.GetJsonAsync($"/api/v1/queue/tickets?centre={FleetRunner.DefaultCentre}")).GetProperty("tickets").EnumerateArray()
            .Select(t => t.GetProperty("number").GetString()!)];

    private DeviceRunner Device(FleetRunner fleet, string id, string role, params string[] args)
    {
        var device = new DeviceRunner(id, _folder[id], fleet.MqttPort, args) { Role = role };
        _started.Add(device);
        return device;
    }

    /// <summary>The queue's devices (a kiosk, a counter that calls) and a device that goes offline during the outage.</summary>
    private sealed record Centre(DeviceRunner Kiosk, DeviceRunner Desk, DeviceRunner Spare);

    private static Task<(HttpStatusCode Status, string Body)> HealthAsync(FleetRunner fleet) => GetAsync(fleet, "/healthz");

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(FleetRunner fleet, string path)
    {
        using var response = await fleet.Http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static Task DrainedAsync(DeviceRunner device, TimeSpan within) =>
        Eventually.TrueAsync(
            async () => (await device.StatusAsync()) is var s && s.GetProperty("outboxDepth").GetInt64() == 0 && !s.GetProperty("outboxAwaitingFleetSeq").GetBoolean(),
            within,
            "the device's outbox to drain to 0");
}
