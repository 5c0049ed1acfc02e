using Edge.Fleet.Clock;
using Edge.Fleet.Health;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Leadership;
using Edge.Fleet.Store.Lite;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Fleet.Tests.Clock;

/// <summary>The placer on a real LiteDB store, fed heartbeats as the intake would, on a clock the test moves.</summary>
public sealed class RatingTimePlacerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Wrong = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TempFolder _folder = new("placer");
    private readonly FakeTimeProvider _time = new(Now);
    private LiteEventStore _store = null!;
    private RatingTimePlacer _placer = null!;

    public async Task InitializeAsync()
    {
        _store = new LiteEventStore(_folder["fleet.db"]);
        _placer = new RatingTimePlacer(_store, new SoleNodeLeadership(), _time, NullLogger<RatingTimePlacer>.Instance);
        await _placer.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _placer.StopAsync(CancellationToken.None);
        _placer.Dispose();
        _store.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_synchronised_run_is_placed_at_once_then_at_most_once_a_minute_and_an_unsynchronised_one_at_every_heartbeat()
    {
        await AppendAsync("dev-a", Unsynced(1, "r1", 10_000), Unsynced(2, "r1", 70_000));
        _placer.Offer(Heartbeat("dev-a", "r1", 100_000, synced: true, at: Now));
        await PlacedAsync(2);
        Assert.Equal(2, await CountAsync(Now.AddSeconds(-90), Now.AddSeconds(-29)));

        // A late rating of r1's unsynchronised past (a backlog) waits for the next exact anchor, a minute on...
        await AppendAsync("dev-a", Unsynced(3, "r1", 80_000));
        _placer.Offer(Heartbeat("dev-a", "r1", 101_000, synced: true, at: Now.AddSeconds(1)));

        // ...while an unsynchronised run is placed at every heartbeat (this one also shows the one before was taken).
        await AppendAsync("dev-b", Unsynced(1, "s1", 5_000));
        _placer.Offer(Heartbeat("dev-b", "s1", 6_000, synced: false, at: Wrong));
        await PlacedAsync(3);
        Assert.Equal(1, await CountAsync(Wrong, Wrong.AddSeconds(1)));
        await AppendAsync("dev-b", Unsynced(2, "s1", 7_000));
        _placer.Offer(Heartbeat("dev-b", "s1", 8_000, synced: false, at: Wrong));
        await PlacedAsync(4);
        Assert.Equal(2, await CountAsync(Now.AddSeconds(-1), Now.AddSeconds(0.5)));

        _time.Advance(RatingTimePlacer.Again + TimeSpan.FromSeconds(1));
        _placer.Offer(Heartbeat("dev-a", "r1", 162_000, synced: true, at: _time.GetUtcNow()));
        await PlacedAsync(5);
        Assert.Equal(0, await CountAsync(Wrong, Wrong.AddHours(1)));
        Assert.Equal(1, await CountAsync(Now.AddSeconds(-21), Now.AddSeconds(-20)));
    }

    [Fact]
    public async Task A_node_that_does_not_lead_places_nothing_and_places_at_the_next_heartbeat_once_it_leads()
    {
        var leadership = new SwitchableLeadership();
        var follower = new RatingTimePlacer(_store, leadership, _time, NullLogger<RatingTimePlacer>.Instance);
        await follower.StartAsync(CancellationToken.None);
        try
        {
            await AppendAsync("dev-c", Unsynced(1, "t1", 10_000));
            follower.Offer(Heartbeat("dev-c", "t1", 20_000, synced: true, at: Now));

            // Time enough for a placer that wrongly placed (the leading one here places within milliseconds).
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Assert.Equal(0, follower.Placed);
            Assert.Equal(1, await CountAsync(Wrong, Wrong.AddSeconds(1)));

            leadership.IsLeader = true;
            follower.Offer(Heartbeat("dev-c", "t1", 20_000, synced: true, at: Now));
            await Eventually.TrueAsync(() => Task.FromResult(follower.Placed == 1), TimeSpan.FromSeconds(30), "the new leader placed dev-c's rating");
            Assert.Equal(1, await CountAsync(Now.AddSeconds(-10), Now.AddSeconds(-9)));
        }
        finally
        {
            await follower.StopAsync(CancellationToken.None);
            follower.Dispose();
        }
    }

    private static DeviceEvent Unsynced(long seq, string run, long uptimeMs) => new()
    {
        Seq = seq,
        Kind = EventKinds.Rating,
        At = Wrong,
        UptimeMs = uptimeMs,
        Run = run,
        ClockSynced = false,
        Counter = "c1",
        Level = 4,
        Scale = 4,
    };

    /// <summary>A heartbeat of <paramref name="run"/> at <paramref name="uptimeMs"/>, received at the test's now.</summary>
    private HealthSample Heartbeat(string device, string run, long uptimeMs, bool synced, DateTimeOffset at) =>
        new(device, _time.GetUtcNow(), new HealthReport { At = at, UptimeMs = uptimeMs, Run = run, ClockSynced = synced });

    private Task AppendAsync(string device, params DeviceEvent[] events) =>
        _store.AppendAsync([new EventBatch(device, events)], Now, CancellationToken.None);

    private async Task<long> CountAsync(DateTimeOffset from, DateTimeOffset to) =>
        (await _store.CountRatingsAsync(new RatingFilter(From: from, To: to), CancellationToken.None)).Total;

    private Task PlacedAsync(long placed) =>
        Eventually.TrueAsync(() => Task.FromResult(_placer.Placed == placed), TimeSpan.FromSeconds(30), $"{placed} ratings placed (now {_placer.Placed})");

    private sealed class SwitchableLeadership : IFleetLeadership
    {
        public bool IsLeader { get; set; }
    }
}
