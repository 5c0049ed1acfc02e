using System.Collections.Concurrent;
using Edge.Fleet.Alerts;
using Edge.Fleet.Releases;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Changes;
using Edge.Fleet.Store.Leadership;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Edge.Fleet.Tests.Releases;

/// <summary>
/// The scheduler over real stores, with a recording offer sender, at 20:00 in Hà Nội (every centre closed: the
/// maintenance window is open): on the embedded engine, and on PostgreSQL with two nodes, each with its own
/// leadership lock, where only the leader plans and the other continues the rollout when the leader stops.
/// </summary>
public sealed class RolloutSchedulerTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IDisposable
{
    // 2026-11-23 is a Monday; 13:00 UTC = 20:00 in Hà Nội, after the centre closed at 17:00.
    private static readonly DateTimeOffset MondayEightPm = new(2026, 11, 23, 13, 0, 0, TimeSpan.Zero);

    private readonly TempFolder _folder = new("rollout-scheduler");
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task The_first_stage_is_offered_once_and_the_next_only_when_it_is_healthy()
    {
        var (rollouts, releases) = await LiteStoresAsync();
        var sender = new RecordingSender();
        var scheduler = Scheduler(rollouts, releases, sender, new SoleNodeLeadership());
        await StartRolloutAsync(rollouts, ["c1"], ["c2"]);

        await scheduler.TickAsync(CancellationToken.None);
        await scheduler.TickAsync(CancellationToken.None);

        var offer = Assert.Single(sender.Offers);
        Assert.Equal(("c1", "r1", "9.0.2", "http://fleet.test/api/v1/updates/r1/c1/archive"), (offer.Device, offer.Offer!.RolloutId, offer.Offer.Version, offer.Offer.Url));
        var c1 = await rollouts.TargetAsync("r1", "c1", CancellationToken.None);
        Assert.True(c1!.Offered);
        Assert.Equal([RolloutScheduler.HashToken(offer.Offer.Token)], c1.TokenHashes);

        await ReportAsync(rollouts, "c1", UpdateStates.Healthy);
        await scheduler.TickAsync(CancellationToken.None);

        Assert.Equal([("c1", true), ("c1", false), ("c2", true)], sender.Sent.Select(s => (s.Device, s.Offer is not null)));
        Assert.False((await rollouts.TargetAsync("r1", "c1", CancellationToken.None))!.Offered);

        await ReportAsync(rollouts, "c2", UpdateStates.Healthy);
        await scheduler.TickAsync(CancellationToken.None);
        Assert.Equal(RolloutStates.Completed, (await rollouts.FindAsync("r1", CancellationToken.None))!.Status);
        Assert.Equal(("c2", false), (sender.Sent.Last().Device, sender.Sent.Last().Offer is not null));
    }

    [Fact]
    public async Task A_rollback_halts_the_rollout_and_withdraws_the_offers_still_waiting()
    {
        var (rollouts, releases) = await LiteStoresAsync();
        var sender = new RecordingSender();
        var scheduler = Scheduler(rollouts, releases, sender, new SoleNodeLeadership());
        await StartRolloutAsync(rollouts, ["a", "b"], ["c"]);
        await scheduler.TickAsync(CancellationToken.None);

        await ReportAsync(rollouts, "a", UpdateStates.RolledBack, "health check failed");
        await scheduler.TickAsync(CancellationToken.None);
        await scheduler.TickAsync(CancellationToken.None);

        var rollout = await rollouts.FindAsync("r1", CancellationToken.None);
        Assert.Equal((RolloutStates.Halted, "a rolled-back: health check failed"), (rollout!.Status, rollout.Reason));
        Assert.Equal(["a", "b"], sender.Withdrawn.Order());
        Assert.DoesNotContain(sender.Offers, o => o.Device == "c");
        Assert.Empty(await rollouts.StaleOffersAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_node_that_does_not_lead_plans_nothing()
    {
        var (rollouts, releases) = await LiteStoresAsync();
        var sender = new RecordingSender();
        var follower = Scheduler(rollouts, releases, sender, new FixedLeadership(false));
        await StartRolloutAsync(rollouts, ["a"]);

        await follower.TickAsync(CancellationToken.None);

        Assert.Empty(sender.Sent);
        Assert.False((await rollouts.TargetAsync("r1", "a", CancellationToken.None))!.Offered);
    }

    [Fact]
    public async Task Offers_still_waiting_are_published_again_with_a_fresh_token_when_a_node_starts_leading()
    {
        var (rollouts, releases) = await LiteStoresAsync();
        var before = new RecordingSender();
        await StartRolloutAsync(rollouts, ["a", "b"]);
        await Scheduler(rollouts, releases, before, new SoleNodeLeadership()).TickAsync(CancellationToken.None);
        await ReportAsync(rollouts, "b", UpdateStates.Downloading);

        // A restart: the embedded broker's retained offers are gone with it.
        var after = new RecordingSender();
        var restarted = Scheduler(rollouts, releases, after, new SoleNodeLeadership());
        await restarted.TickAsync(CancellationToken.None);
        await restarted.TickAsync(CancellationToken.None);

        var again = Assert.Single(after.Offers);
        Assert.Equal("a", again.Device);
        var a = await rollouts.TargetAsync("r1", "a", CancellationToken.None);
        Assert.Equal(
            new[] { before.Offers.Single(o => o.Device == "a").Offer!.Token, again.Offer!.Token }.Select(RolloutScheduler.HashToken),
            a!.TokenHashes);
    }

    [Fact]
    public async Task On_PostgreSQL_only_the_leader_plans_and_another_node_continues_when_it_stops()
    {
        var (dataSource, connectionString) = await postgres.CreateMigratedDatabaseAsync();
        _owned.Add(dataSource);
        var setup = new PostgresRolloutStore(dataSource);
        var (manifest, archive) = ReleaseStoreContract.Release("9.0.2", 1_000);
        await new PostgresReleaseStore(dataSource, TimeProvider.System).SaveAsync(manifest, "sig", new MemoryStream(archive), CancellationToken.None);
        await StartRolloutAsync(setup, ["c1"], ["c2"]);

        var nodes = Enumerable.Range(0, 2).Select(_ => new Node(this, connectionString)).ToList();
        foreach (var node in nodes)
        {
            await node.StartAsync();
        }

        try
        {
            await Eventually.ReturnsAsync(() => Task.FromResult(nodes.Sum(n => n.Sender.Offers.Count)), n => n >= 1, TimeSpan.FromSeconds(20), "the first stage offered");
            var leader = Assert.Single(nodes, n => n.Sender.Offers.Count > 0);
            var follower = nodes.Single(n => n != leader);
            Assert.True(leader.Leadership.IsLeader);
            Assert.False(follower.Leadership.IsLeader);
            Assert.Equal(["c1"], leader.Sender.Offers.Select(o => o.Device));

            await leader.StopAsync();
            var sentByLeader = leader.Sender.Sent.Count;
            await ReportAsync(setup, "c1", UpdateStates.Healthy);

            await Eventually.ReturnsAsync(() => Task.FromResult(follower.Sender.Offers.Count), n => n >= 1, TimeSpan.FromSeconds(20), "the next stage offered by the other node");
            await follower.Scheduler.TickAsync(CancellationToken.None);

            Assert.True(follower.Leadership.IsLeader);
            Assert.Equal(["c2"], follower.Sender.Offers.Select(o => o.Device));
            Assert.Equal(["c1"], follower.Sender.Withdrawn);
            Assert.Equal(sentByLeader, leader.Sender.Sent.Count);
            Assert.True((await setup.TargetAsync("r1", "c2", CancellationToken.None))!.Offered);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.StopAsync();
            }
        }
    }

    private async Task<(LiteRolloutStore Rollouts, IReleaseStore Releases)> LiteStoresAsync()
    {
        var rollouts = new LiteRolloutStore(_folder["rollouts.db"]);
        _owned.Add(rollouts);
        var releases = new LiteReleaseStore(Options.Create(new FleetOptions { DataDir = _folder.Path }));
        var (manifest, archive) = ReleaseStoreContract.Release("9.0.2", 1_000);
        await releases.SaveAsync(manifest, "sig", new MemoryStream(archive), CancellationToken.None);
        return (rollouts, releases);
    }

    private static Task StartRolloutAsync(IRolloutStore rollouts, params IReadOnlyList<string>[] stages) =>
        rollouts.CreateAsync(new Rollout { Id = "r1", Version = "9.0.2", CreatedAt = MondayEightPm.UtcDateTime, CreatedBy = "admin" },
            stages, MondayEightPm.UtcDateTime, CancellationToken.None);

    private static Task ReportAsync(IRolloutStore rollouts, string device, string state, string? reason = null) =>
        rollouts.UpdateAsync("r1", device, t => { t.State = state; t.Reason = reason; return true; }, CancellationToken.None);

    private static RolloutScheduler Scheduler(IRolloutStore rollouts, IReleaseStore releases, IUpdateOfferSender sender, IFleetLeadership leadership)
    {
        var clock = new FakeTimeProvider(MondayEightPm);
        var options = Options.Create(new ReleaseOptions { PublicUrl = "http://fleet.test", TickSeconds = 0.2 });
        var rules = new CentreRuleResolver(Options.Create(new AlertOptions
        {
            Centres = { ["hn"] = new AlertRuleSettings { OpeningHours = "Mon-Fri 07:30-17:00" } },
        }));
        return new RolloutScheduler(rollouts, releases, sender, new MaintenanceWindow(rules, _ => "hn", clock),
            new FleetAddress(options, new ServiceCollection().BuildServiceProvider()), leadership, new InProcessChangeFeed(), options, clock,
            NullLogger<RolloutScheduler>.Instance);
    }

    /// <summary>A fleet node as far as rollouts go: its own data source, leadership lock and scheduler, running.</summary>
    private sealed class Node
    {
        private readonly NpgsqlDataSource _dataSource;
        private bool _stopped;

        public Node(RolloutSchedulerTests test, string connectionString)
        {
            _dataSource = NpgsqlDataSource.Create(connectionString);
            test._owned.Add(_dataSource);
            Leadership = new PostgresLeadership(
                Options.Create(new StoreOptions { Kind = StoreOptions.PostgresKind, Postgres = { ConnectionString = connectionString } }),
                NullLogger<PostgresLeadership>.Instance);
            Scheduler = RolloutSchedulerTests.Scheduler(new PostgresRolloutStore(_dataSource), new PostgresReleaseStore(_dataSource, TimeProvider.System), Sender, Leadership);
        }

        public RecordingSender Sender { get; } = new();

        public PostgresLeadership Leadership { get; }

        public RolloutScheduler Scheduler { get; }

        public async Task StartAsync()
        {
            await Leadership.StartAsync(CancellationToken.None);
            await Scheduler.StartAsync(CancellationToken.None);
        }

        /// <summary>As a node that dies: its scheduler stops, and its session (with the leadership lock) ends.</summary>
        public async Task StopAsync()
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            await Scheduler.StopAsync(CancellationToken.None);
            await Leadership.StopAsync(CancellationToken.None);
            Scheduler.Dispose();
            Leadership.Dispose();
        }
    }

    private sealed class RecordingSender : IUpdateOfferSender
    {
        private readonly ConcurrentQueue<(string Device, UpdateOffer? Offer)> _sent = new();

        public IReadOnlyList<(string Device, UpdateOffer? Offer)> Sent => [.. _sent];

        public IReadOnlyList<(string Device, UpdateOffer? Offer)> Offers => Sent.Where(s => s.Offer is not null).ToList();

        public IReadOnlyList<string> Withdrawn => Sent.Where(s => s.Offer is null).Select(s => s.Device).ToList();

        public Task OfferAsync(string deviceId, UpdateOffer offer, CancellationToken cancellationToken)
        {
            _sent.Enqueue((deviceId, offer));
            return Task.CompletedTask;
        }

        public Task WithdrawAsync(string deviceId, CancellationToken cancellationToken)
        {
            _sent.Enqueue((deviceId, null));
            return Task.CompletedTask;
        }
    }

    private sealed class FixedLeadership(bool leads) : IFleetLeadership
    {
        public bool IsLeader => leads;
    }
}
