using Edge.Fleet.Alerts;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Npgsql;
using Edge.Fleet.Store;

namespace Edge.Fleet.Tests.Alerts;

/// <summary>
/// The alert store contract on PostgreSQL (a fresh database per test), plus what only a shared store has to show:
/// nodes racing on the same transition commit it once, and the copier from an embedded fleet's <c>alerts.db</c>.
/// </summary>
public sealed class PostgresAlertStoreTests(PostgresServerFixture postgres) : AlertStoreContract, IClassFixture<PostgresServerFixture>
{
    private readonly List<NpgsqlDataSource> _dataSources = [];
    private readonly TempFolder _folder = new("pg-alerts");
    private string _connectionString = "";

    protected override async Task<IAlertStore> CreateStoreAsync()
    {
        var (dataSource, connectionString) = await postgres.CreateMigratedDatabaseAsync();
        _dataSources.Add(dataSource);
        _connectionString = connectionString;
        return new PostgresAlertStore(dataSource);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task Nodes_opening_the_same_problem_at_once_open_one_alert_with_one_notice()
    {
        var nodes = Enumerable.Range(0, 8).Select(_ => new PostgresAlertStore(Track(NpgsqlDataSource.Create(_connectionString)))).ToList();

        var opened = await Task.WhenAll(nodes.Select((node, i) => node.TryOpenAsync(Offline("dev-1", Now.AddMilliseconds(i)), notify: true, default)));

        Assert.Equal(1, opened.Count(o => o));
        Assert.Single(await Store.OpenAlertsAsync(default));
        Assert.Single(await Store.NoticesAsync(10, default));
    }

    [Fact]
    public async Task Nodes_resolving_the_same_alert_at_once_resolve_it_once_with_one_notice()
    {
        var alert = Offline("dev-1", Now);
        await Store.TryOpenAsync(alert, notify: true, default);
        var nodes = Enumerable.Range(0, 8).Select(_ => new PostgresAlertStore(Track(NpgsqlDataSource.Create(_connectionString)))).ToList();

        var resolved = await Task.WhenAll(nodes.Select(node => node.TryResolveAsync(alert.Id, Now.AddMinutes(1), notify: true, default)));

        Assert.Single(resolved, r => r is not null);
        Assert.Equal(2, (await Store.NoticesAsync(10, default)).Count);
    }

    [Fact]
    public async Task Senders_claiming_at_once_each_get_different_notices()
    {
        for (var i = 0; i < 30; i++)
        {
            await Store.TryOpenAsync(Offline($"dev-{i}", Now), notify: true, default);
        }

        var nodes = Enumerable.Range(0, 4).Select(_ => new PostgresAlertStore(Track(NpgsqlDataSource.Create(_connectionString)))).ToList();
        var claims = await Task.WhenAll(nodes.Select(node => node.ClaimDueNoticesAsync(Now, ClaimFor, 10, default)));

        var ids = claims.SelectMany(c => c).Select(c => c.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.InRange(ids.Count, 10, 30);
    }

    [Fact]
    public async Task Copier_brings_an_embedded_fleets_alerts_notices_and_rules_and_a_second_run_writes_nothing()
    {
        var options = new FleetOptions { DataDir = _folder.Path };
        var open = Offline("dev-1", Now, centre: "hn-01");
        var resolved = Offline("dev-2", Now.AddMinutes(1));
        using (var lite = new LiteAlertStore(options.FileIn("alerts.db")))
        {
            await lite.TryOpenAsync(open, notify: true, default);
            await lite.TryOpenAsync(resolved, notify: true, default);
            await lite.TryResolveAsync(resolved.Id, Now.AddMinutes(2), notify: true, default);
            var claimed = await lite.ClaimDueNoticesAsync(Now.AddMinutes(3), ClaimFor, 1, default);
            await lite.MarkNoticeSentAsync(Assert.Single(claimed).Id, Now.AddMinutes(3), default);
            await lite.SaveCentreRulesAsync("hn-01", new AlertRuleSettings { OfflineMinutes = 3 }, default);
        }

        var copier = new AlertDataCopier();
        var target = _dataSources[^1];

        var first = await copier.CopyAsync(options, target, default);
        var second = await copier.CopyAsync(options, target, default);

        Assert.Equal(2 + 3 + 1, first);
        Assert.Equal(0, second);
        Assert.Equal(6, await copier.CountInTargetAsync(target, default));
        Assert.Equal(open, Assert.Single(await Store.OpenAlertsAsync(default)));
        Assert.Equal(
            [resolved with { ResolvedAt = Now.AddMinutes(2) }, open],
            await Store.HistoryAsync(Now.AddDays(-1), 10, default));
        var notices = await Store.NoticesAsync(10, default);
        Assert.Equal(1, notices.Count(n => n.State == NoticeStates.Sent));
        Assert.Equal(3, await CountAsync("SELECT count(*) FROM alert_notices"));
        Assert.Equal(3, (await Store.CentreRulesAsync(default))["hn-01"].OfflineMinutes);

        // What was still to send goes out from PostgreSQL, in order.
        var due = await Store.ClaimDueNoticesAsync(Now.AddMinutes(4), ClaimFor, 10, default);
        Assert.Single(due);
    }

    [Fact]
    public async Task Copier_of_a_fleet_without_an_alerts_file_copies_nothing()
    {
        var copied = await new AlertDataCopier().CopyAsync(new FleetOptions { DataDir = _folder.Path }, _dataSources[^1], default);

        Assert.Equal(0, copied);
        Assert.False(File.Exists(Path.Combine(_folder.Path, "alerts.db")));
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var command = _dataSources[^1].CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private NpgsqlDataSource Track(NpgsqlDataSource dataSource)
    {
        _dataSources.Add(dataSource);
        return dataSource;
    }
}
