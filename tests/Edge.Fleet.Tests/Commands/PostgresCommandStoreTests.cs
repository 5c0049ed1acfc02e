using Edge.Fleet.Commands;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Edge.Fleet.Store;

namespace Edge.Fleet.Tests.Commands;

/// <summary>
/// The command-store contract on PostgreSQL (a fresh database per test), plus several nodes on one database: a
/// device coming back seen by two nodes, results racing sweeps, and the copy of an embedded fleet's commands.db.
/// </summary>
public sealed class PostgresCommandStoreTests(PostgresServerFixture postgres) : CommandStoreContract, IClassFixture<PostgresServerFixture>
{
    protected override async Task<ICommandStore> CreateStoreAsync() => new PostgresCommandStore(await MigratedDatabaseAsync(postgres));

    private PostgresCommandStore OtherNode() => new(SecondNode());

    private static CommandSender Sender(ICommandStore store, RecordingDownlink downlink, TimeProvider clock) =>
        new(store, downlink, Options.Create(new CommandsOptions()), clock, NullLogger<CommandSender>.Instance);

    [Fact]
    public async Task Two_nodes_seeing_a_device_come_back_send_each_pending_command_once()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(Now));
        var nodes = new[] { Store, OtherNode() }.Select(store => (Store: store, Downlink: new RecordingDownlink())).ToList();
        for (var i = 0; i < 20; i++)
        {
            await AddAsync(Command($"c{i:D2}", issuedSecondsAgo: 300));
        }

        await Task.WhenAll(nodes.SelectMany(n => Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
            new PendingCommandDelivery(Sender(n.Store, n.Downlink, clock), NullLogger<PendingCommandDelivery>.Instance)
                .DevicesOnlineAsync(DevicesOnline.Of("dev-0", "dev-1"), CancellationToken.None)))));

        Assert.Equal(20, nodes.Sum(n => n.Downlink.Published));
        var sentTopics = nodes.SelectMany(n => n.Downlink.Retained.Keys).ToList();
        Assert.Equal(20, sentTopics.Distinct().Count());
        Assert.Equal(20, sentTopics.Count);
    }

    [Fact]
    public async Task A_claim_made_by_two_nodes_at_once_goes_to_one()
    {
        var other = OtherNode();
        var quiet = TimeSpan.FromSeconds(30);
        for (var i = 0; i < 30; i++)
        {
            await AddAsync(Command($"c{i:D2}", issuedSecondsAgo: 300));
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 30).SelectMany(i => new[] { Store, other }.Select(node =>
            Task.Run(() => node.ClaimDeliveryAsync($"c{i:D2}", Now, quiet, CancellationToken.None)))));

        Assert.Equal(30, claims.Count(c => c is not null));
        Assert.Equal(30, claims.OfType<CommandRecord>().Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public async Task Two_nodes_sweeping_while_results_arrive_end_each_command_once()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(Now).AddHours(2));
        var nodes = new ICommandStore[] { Store, OtherNode() };
        for (var i = 0; i < 20; i++)
        {
            await AddAsync(Command($"c{i:D2}", issuedSecondsAgo: 300, expiresInSeconds: 60));
        }

        var downlinks = nodes.Select(_ => new RecordingDownlink()).ToList();
        var sweeps = nodes.Select((store, n) => Task.Run(() => new CommandSweeper(store, Sender(store, downlinks[n], clock), new SwitchableLeadership(true),
            Options.Create(new CommandsOptions()), clock, NullLogger<CommandSweeper>.Instance).SweepAsync(CancellationToken.None)));
        var ended = await Task.WhenAll(sweeps);

        Assert.Equal(20, ended.Sum());
        Assert.All(await Store.OfDeviceAsync("dev-1", 100, CancellationToken.None), c => Assert.Equal(CommandOutcomes.Expired, c.State));
    }

    [Fact]
    public async Task The_copier_moves_commands_db_into_postgres_once()
    {
        using var folder = new TempFolder("command-copy");
        using (var lite = new LiteCommandStore(folder[LiteCommandStore.FileName]))
        {
            await lite.AddAsync(Command("c1", issuedSecondsAgo: 20), CancellationToken.None);
            await lite.AddAsync(Command("c2", issuedSecondsAgo: 10), CancellationToken.None);
            await lite.AddAsync(Command("c3", device: "dev-2"), CancellationToken.None);
            await lite.UpdateAsync("c1", c => { c.State = CommandOutcomes.Succeeded; c.Detail = "ok"; c.FinishedAt = Now; return true; }, CancellationToken.None);
        }

        var copier = new CommandCopier();
        var source = new FleetOptions { DataDir = folder.Path };
        var target = Database;

        Assert.Equal(0, await copier.CountInTargetAsync(target, CancellationToken.None));
        Assert.Equal(3, await copier.CopyAsync(source, target, CancellationToken.None));
        Assert.Equal(0, await copier.CopyAsync(source, target, CancellationToken.None));
        Assert.Equal(3, await copier.CountInTargetAsync(target, CancellationToken.None));

        Assert.Equal(["c2", "c1"], (await Store.OfDeviceAsync("dev-1", 10, CancellationToken.None)).Select(c => c.Id));
        var done = (await Store.FindAsync("c1", CancellationToken.None))!;
        Assert.Equal((CommandOutcomes.Succeeded, "ok", (DateTime?)Now), (done.State, done.Detail, done.FinishedAt));
        Assert.Equal(["c2", "c3"], (await Store.OpenAsync(null, CancellationToken.None)).Select(c => c.Id).Order(StringComparer.Ordinal));
    }
}
