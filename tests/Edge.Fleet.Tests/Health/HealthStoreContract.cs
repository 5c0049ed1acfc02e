using Edge.Fleet.Health;
using Edge.Wire;

using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.Health;

/// <summary>What every <see cref="IHealthStore"/> must do, whatever engine is behind it.</summary>
public abstract class HealthStoreContract : StoreContractBase<IHealthStore>
{
    protected static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Latest_is_the_newest_heartbeat_of_each_device_and_history_is_newest_first()
    {
        await Store.AppendAsync([Beat("dev-a", 30, Now), Beat("dev-b", 5, Now.AddSeconds(1))], CancellationToken.None);
        await Store.AppendAsync([Beat("dev-a", 60, Now.AddSeconds(30)), Beat("dev-a", 90, Now.AddSeconds(60))], CancellationToken.None);

        var latest = (await Store.LatestAsync(CancellationToken.None)).ToDictionary(s => s.DeviceId);
        Assert.Equal(2, latest.Count);
        Assert.Equal(90, latest["dev-a"].Report.UptimeS);
        Assert.Equal(Now.AddSeconds(60), latest["dev-a"].ReceivedAt);
        Assert.Equal(5, latest["dev-b"].Report.UptimeS);

        var history = await Store.HistoryAsync("dev-a", Now.AddHours(-1), Now.AddHours(1), 10, CancellationToken.None);
        Assert.Equal([90L, 60L, 30L], history.Select(s => s.Report.UptimeS));
        Assert.Equal([60L], (await Store.HistoryAsync("dev-a", Now.AddSeconds(1), Now.AddSeconds(60), 10, CancellationToken.None)).Select(s => s.Report.UptimeS));
        Assert.Equal([90L, 60L], (await Store.HistoryAsync("dev-a", Now.AddHours(-1), Now.AddHours(1), 2, CancellationToken.None)).Select(s => s.Report.UptimeS));
    }

    [Fact]
    public async Task The_same_heartbeat_received_twice_is_kept_once()
    {
        var beat = Beat("dev-a", 30, Now);
        await Store.AppendAsync([beat, beat with { ReceivedAt = Now.AddMilliseconds(3) }], CancellationToken.None);
        await Store.AppendAsync([beat with { ReceivedAt = Now.AddMilliseconds(7) }], CancellationToken.None);

        Assert.Single(await Store.HistoryAsync("dev-a", Now.AddHours(-1), Now.AddHours(1), 10, CancellationToken.None));
        Assert.Equal(30, Assert.Single(await Store.LatestAsync(CancellationToken.None)).Report.UptimeS);
    }

    [Fact]
    public async Task A_heartbeat_delivered_late_does_not_replace_the_latest()
    {
        await Store.AppendAsync([Beat("dev-a", 120, Now)], CancellationToken.None);

        await Store.AppendAsync([Beat("dev-a", 90, Now.AddSeconds(-1))], CancellationToken.None);

        Assert.Equal(120, Assert.Single(await Store.LatestAsync(CancellationToken.None)).Report.UptimeS);
        Assert.Equal(2, (await Store.HistoryAsync("dev-a", Now.AddHours(-1), Now.AddHours(1), 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Trimming_forgets_old_history_but_keeps_the_latest()
    {
        await Store.AppendAsync([Beat("dev-a", 30, Now.AddHours(-50)), Beat("dev-b", 30, Now.AddHours(-49))], CancellationToken.None);
        await Store.AppendAsync([Beat("dev-a", 60, Now)], CancellationToken.None);

        Assert.Equal(2, await Store.TrimAsync(Now.AddHours(-48), CancellationToken.None));
        Assert.Equal(0, await Store.TrimAsync(Now.AddHours(-48), CancellationToken.None));

        Assert.Equal(60, Assert.Single(await Store.HistoryAsync("dev-a", Now.AddDays(-5), Now.AddHours(1), 10, CancellationToken.None)).Report.UptimeS);
        Assert.Empty(await Store.HistoryAsync("dev-b", Now.AddDays(-5), Now.AddHours(1), 10, CancellationToken.None));
        Assert.Equal(2, (await Store.LatestAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_report_comes_back_as_it_was_sent()
    {
        var beat = Beat("dev-a", 30, Now) with
        {
            Report = Beat("dev-a", 30, Now).Report with
            {
                OutboxDepth = 17,
                CpuTempC = 48.5,
                HostVersion = "1.2.3",
                Peripherals = new Dictionary<string, string> { ["printer"] = "paper-out" },
            },
        };

        await Store.AppendAsync([beat], CancellationToken.None);

        var stored = Assert.Single(await Store.LatestAsync(CancellationToken.None));
        Assert.Equal((17L, 48.5, "1.2.3", "paper-out"), (stored.Report.OutboxDepth, stored.Report.CpuTempC!.Value, stored.Report.HostVersion!, stored.Report.Peripherals!["printer"]));
        Assert.Equal(beat.Report.At, stored.Report.At);
    }

    /// <summary>A heartbeat of run r1 at <paramref name="uptimeS"/> seconds, received (and stamped) at <paramref name="at"/>.</summary>
    protected static HealthSample Beat(string device, long uptimeS, DateTimeOffset at) =>
        new(device, at, new HealthReport { At = at, UptimeS = uptimeS, UptimeMs = uptimeS * 1000, Run = "r1", ClockSynced = true });
}
