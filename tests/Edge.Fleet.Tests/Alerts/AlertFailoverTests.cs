using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Edge.Fleet.Alerts;
using Edge.Fleet.Alerts.Rules;
using Edge.Fleet.Health;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Changes;
using Edge.Fleet.Store.Leadership;
using Edge.Fleet.Tests.Support;
using Edge.Fleet.Web;
using Edge.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Edge.Fleet.Tests.Alerts;

/// <summary>
/// Two fleet nodes sharing one PostgreSQL database, each with its own leadership, evaluator and webhook sender, and
/// one webhook receiver on loopback: alerts and notices happen once, and carry over when the leader dies.
/// </summary>
public sealed class AlertFailoverTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly WebhookReceiver _receiver = new();
    private readonly FakeHealth _health = new();
    private readonly List<Node> _nodes = [];
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        var (dataSource, connectionString) = await postgres.CreateMigratedDatabaseAsync();
        await dataSource.DisposeAsync();
        _connectionString = connectionString;
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _receiver.Dispose();
    }

    [Fact]
    public async Task Device_offline_opens_one_alert_with_one_webhook_and_the_next_leader_resolves_it_once()
    {
        var a = await StartNodeAsync();
        await Eventually.TrueAsync(() => Task.FromResult(a.Leadership.IsLeader), Patience, "node A to lead");
        var b = await StartNodeAsync();
        _health.Set(Device(online: false));

        await Eventually.TrueAsync(() => Task.FromResult(_receiver.Notices.Count >= 1), Patience, "the opened notice");
        await Task.Delay(TimeSpan.FromSeconds(2));

        var opened = Assert.Single(_receiver.Notices);
        Assert.Equal(NoticeEvents.Opened, opened.Event);
        var alert = Assert.Single(await a.Store.HistoryAsync(DateTimeOffset.UtcNow.AddDays(-1), 10, default));
        Assert.Equal(alert.Id, opened.Alert.Id);
        Assert.False(b.Leadership.IsLeader);
        Assert.True(b.Evaluator.Evaluations == 0, "the follower must not evaluate");

        // Every node answers the open alerts from the store (within the cache's age).
        await Eventually.TrueAsync(async () => (await b.Cache.ReadAsync(default)).Count == 1, Patience, "node B to list the alert");

        var stopwatch = Stopwatch.StartNew();
        await a.StopAsync();
        await Eventually.TrueAsync(() => Task.FromResult(b.Leadership.IsLeader), Patience, "node B to take over");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took over after {stopwatch.Elapsed}");
        await Eventually.TrueAsync(() => Task.FromResult(b.Evaluator.Evaluations >= 3), Patience, "node B to evaluate");

        // The device is still offline: the new leader knows its alert from the store and opens no second one.
        Assert.Single(_receiver.Notices);
        Assert.Single(await b.Store.HistoryAsync(DateTimeOffset.UtcNow.AddDays(-1), 10, default));

        _health.Set(Device(online: true));
        await Eventually.TrueAsync(() => Task.FromResult(_receiver.Notices.Count >= 2), Patience, "the resolved notice");
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal([NoticeEvents.Opened, NoticeEvents.Resolved], _receiver.Notices.Select(n => n.Event));
        Assert.Equal(alert.Id, _receiver.Notices[1].Alert.Id);
        Assert.NotNull(Assert.Single(await b.Store.HistoryAsync(DateTimeOffset.UtcNow.AddDays(-1), 10, default)).ResolvedAt);
        Assert.All(await b.Store.NoticesAsync(10, default), n => Assert.Equal(NoticeStates.Sent, n.State));
    }

    [Fact]
    public async Task A_centre_rule_changed_on_one_node_is_in_force_on_the_other_within_seconds()
    {
        var a = await StartNodeAsync(listenForChanges: true);
        var b = await StartNodeAsync(listenForChanges: true);
        Assert.Equal(1, b.Rules.For("hn-01").Rules.OfflineMinutes);

        var change = new AlertRuleSettings { OfflineMinutes = 42 };
        await a.Store.SaveCentreRulesAsync("hn-01", change, default);
        a.Rules.Apply("hn-01", change);
        await Eventually.TrueAsync(async () =>
        {
            // The listener may not be listening yet: publish until the other node hears it.
            await a.Changes.PublishAsync(ChangeTopics.AlertRules, default);
            return b.Rules.For("hn-01").Rules.OfflineMinutes == 42;
        }, Patience, "node B to see the change");

        Assert.Equal(42, b.Rules.Centres()["hn-01"].OfflineMinutes);
    }

    private async Task<Node> StartNodeAsync(bool listenForChanges = false)
    {
        var node = new Node(_connectionString, _receiver.Url, _health, listenForChanges);
        _nodes.Add(node);
        await node.StartAsync();
        return node;
    }

    private static DeviceHealth Device(bool online)
    {
        var now = DateTimeOffset.UtcNow;
        var liveness = online
            ? new Liveness(true, DeviceLiveness.Connected, now)
            : new Liveness(false, DeviceLiveness.Disconnected, now.AddHours(-1));
        return new DeviceHealth("counter-7", "hn-01", "7", liveness, null, null);
    }

    /// <summary>One fleet node's alerting, wired as <c>AddAlerts</c> does, on its own data source and leadership.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private readonly NpgsqlDataSource _dataSource;
        private readonly List<IHostedService> _services;
        private bool _stopped;

        public Node(string connectionString, string webhookUrl, IDeviceHealthSource health, bool listenForChanges)
        {
            var storeOptions = Options.Create(new StoreOptions { Kind = StoreOptions.PostgresKind, Postgres = { ConnectionString = connectionString } });
            var alertOptions = Options.Create(new AlertOptions
            {
                EvaluateEverySeconds = 0.2,
                WebhookUrl = webhookUrl,
                Defaults = new AlertRuleSettings { OpeningHours = "always", OfflineMinutes = 1 },
            });
            _dataSource = NpgsqlDataSource.Create(connectionString);
            Store = new PostgresAlertStore(_dataSource);
            Leadership = new PostgresLeadership(storeOptions, NullLogger<PostgresLeadership>.Instance);
            Rules = new CentreRuleResolver(alertOptions);
            Cache = new OpenAlertCache(Store, TimeProvider.System);
            var webhook = new AlertWebhook(new HttpClient(), alertOptions);
            var book = new AlertTransitions(Store, webhook, Cache, NullLogger<AlertTransitions>.Instance);
            Evaluator = new AlertEvaluator(health, [new DeviceOfflineRule()], Rules, book, Store, Leadership, alertOptions, TimeProvider.System,
                NullLogger<AlertEvaluator>.Instance);
            var sender = new AlertNoticeSender(Store, webhook, Leadership, TimeProvider.System, NullLogger<AlertNoticeSender>.Instance);
            _services = [Leadership];
            if (listenForChanges)
            {
                var feed = new PostgresChangeFeed(_dataSource, storeOptions, NullLogger<PostgresChangeFeed>.Instance);
                Changes = feed;
                _services.Add(feed);
            }
            else
            {
                Changes = new InProcessChangeFeed();
            }

            _services.AddRange([new CentreRuleSync(Store, Rules, Changes, NullLogger<CentreRuleSync>.Instance), Evaluator, sender]);
        }

        public PostgresAlertStore Store { get; }

        public PostgresLeadership Leadership { get; }

        public CentreRuleResolver Rules { get; }

        public OpenAlertCache Cache { get; }

        public AlertEvaluator Evaluator { get; }

        public IChangeFeed Changes { get; }

        public async Task StartAsync()
        {
            foreach (var service in _services)
            {
                await service.StartAsync(default);
            }
        }

        /// <summary>Stops the node as a shutdown does: its leadership session ends, so another node may lead.</summary>
        public async Task StopAsync()
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            foreach (var service in Enumerable.Reverse(_services))
            {
                await service.StopAsync(default);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            foreach (var service in _services.OfType<IDisposable>())
            {
                service.Dispose();
            }

            await _dataSource.DisposeAsync();
        }
    }

    private sealed class FakeHealth : IDeviceHealthSource
    {
        private volatile IReadOnlyList<DeviceHealth> _devices = [];

        public void Set(params DeviceHealth[] devices) => _devices = devices;

        public Task<IReadOnlyList<DeviceHealth>> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(_devices);
    }
}
