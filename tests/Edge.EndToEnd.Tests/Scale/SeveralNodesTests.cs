using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.EndToEnd.Tests.Queue;
using Edge.Testing;
using MQTTnet;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Scale;

/// <summary>
/// One fleet on three nodes (PostgreSQL, Mosquitto with dynamic security, haproxy), as shipped: device
/// authentication on, devices provisioned by claim code through the balancer. Any node answers any request the same,
/// the broker admits only provisioned devices, the queue hands each ticket out once while a node dies, singleton jobs
/// (alerts and their webhook) run once and move when their node dies, and a PostgreSQL restart loses nothing.
/// </summary>
[Collection(SeveralNodesCollection.Name)]
public sealed class SeveralNodesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);
    private readonly List<IDisposable> _owned = [];
    private FleetCluster? _cluster;

    private FleetCluster Cluster => _cluster ?? throw new InvalidOperationException("no cluster");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    [Fact]
    public async Task Any_node_answers_the_same_and_the_broker_admits_only_provisioned_devices()
    {
        _cluster = await FleetCluster.StartAsync();

        // A user made through the balancer logs in through it; the token works on every node.
        using (var created = await Cluster.Http.PostAsJsonAsync("/api/v1/users", new { name = "lan", role = "technician", password = "lan-password-123" }))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        using var anonymous = new HttpClient { BaseAddress = Cluster.Balancer.Address };
        using var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { name = "lan", password = "lan-password-123" });
        Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync());
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        foreach (var node in Cluster.Nodes)
        {
            using var direct = new HttpClient { BaseAddress = node.Http.BaseAddress };
            direct.DefaultRequestHeaders.Authorization = new("Bearer", token);
            Assert.Equal(HttpStatusCode.OK, (await direct.GetAsync("/api/v1/devices")).StatusCode);
        }

        // Enrolled through one request, provisioned through another (round-robin: another node), then rating.
        var device = await Cluster.StartDeviceAsync("counter-a", "centre-1", "1");
        await device.PressAsync(button: 1, count: 5);
        foreach (var node in Cluster.Nodes)
        {
            await Eventually.TrueAsync(async () => (await node.GetJsonAsync("/api/v1/stats/ratings?counter=1")).GetProperty("total").GetInt32() == 5,
                Settle, $"{node.HttpPort} to count the five ratings");
        }

        // The broker knows only provisioned devices: a made-up client, a wrong secret and a borrowed client id are
        // refused; the device's own secret is taken (the device is stopped first so the probe does not take over its session).
        Assert.False(await ConnectsAsync("never-provisioned", "whatever-secret"));
        var secret = JsonDocument.Parse(File.ReadAllText(Path.Combine(device.DataDir, "identity.json"))).RootElement.GetProperty("secret").GetString()!;
        device.Kill();
        Assert.True(await ConnectsAsync("counter-a", secret));
        Assert.False(await ConnectsAsync("counter-a", secret + "x"));
        Assert.False(await ConnectsAsync("counter-a", secret, clientId: "someone-else"));

        // Retired through the balancer: the broker refuses it from then on.
        using (var retired = await Cluster.Http.PostAsync("/api/v1/devices/counter-a/retire", null))
        {
            Assert.True(retired.IsSuccessStatusCode, await retired.Content.ReadAsStringAsync());
        }

        await Eventually.TrueAsync(async () => !await ConnectsAsync("counter-a", secret), Settle, "Mosquitto to refuse the retired device");
    }

    [Fact]
    public async Task Two_kiosks_and_four_counters_call_two_hundred_tickets_once_each_while_a_node_is_killed()
    {
        _cluster = await FleetCluster.StartAsync();
        var starting = new List<Task<DeviceRunner>>
        {
            Cluster.StartDeviceAsync("kiosk-1", "centre-q", "k1", "kiosk", QueueCentre.KioskArguments(1, 499)),
            Cluster.StartDeviceAsync("kiosk-2", "centre-q", "k2", "kiosk", QueueCentre.KioskArguments(500, 999)),
        };
        starting.AddRange(Enumerable.Range(1, 4).Select(i => Cluster.StartDeviceAsync($"counter-{i}", "centre-q", i.ToString(), "counter", QueueCentre.CounterArguments(8000))));
        var devices = await Task.WhenAll(starting);
        var kiosks = devices[..2];
        var counters = devices[2..];

        await Task.WhenAll(kiosks.SelectMany(kiosk => QueueCentre.Fields.Select((f, i) => QueueCentre.PressPinAsync(kiosk, f.Pin, i == 0 ? 34 : 33))));
        var issued = await Eventually.ReturnsAsync(() => TicketsAsync("centre-q"), t => t.Count == 200, Settle, "the fleet to list 200 tickets");

        // Counters call until every ticket has been shown at one of them; meanwhile node 2 is SIGKILLed and started
        // again. A "----" is nobody waiting for this counter now, or no answer in time (its call went to the node being
        // killed): the counter's next press asks again with the same request id and shows the ticket handed out for it.
        // A counter must not stop at the first empty answers while its own call is unanswered: a ticket handed out then
        // is only shown at its next press. A ticket really lost keeps them pressing until the deadline, and fails below.
        var calls = new ConcurrentBag<(string Counter, string Number)>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var calling = Task.WhenAll(counters.Select(async counter =>
        {
            while (calls.Count < issued.Count && !deadline.IsCancellationRequested)
            {
                var shown = await QueueCentre.PressAndReadDisplayAsync(counter, QueueCentre.CallNextPin);
                if (shown != "----")
                {
                    calls.Add((counter.Id, shown));
                }
            }
        }));
        await Eventually.TrueAsync(() => Task.FromResult(calls.Count >= 40), Settle, "the first 40 calls");
        Cluster.Nodes[1].Kill();
        output.WriteLine($"node 2 killed after {calls.Count} calls");
        await Task.Delay(2000);
        await Cluster.Nodes[1].StartAsync();
        output.WriteLine($"node 2 back after {calls.Count} calls");
        await calling;

        var numbers = issued.Select(t => t.GetProperty("number").GetString()!).ToList();
        var shownNumbers = calls.Select(c => c.Number).ToList();
        Assert.Equal(shownNumbers.Distinct().Count(), shownNumbers.Count);
        Assert.Equal(numbers.Order(), shownNumbers.Order());

        // The fleet's record, read through the balancer: each ticket called once, each field in issue order.
        var tickets = await Eventually.ReturnsAsync(() => TicketsAsync("centre-q"),
            t => t.Count == 200 && t.All(x => x.GetProperty("callOrder").GetInt64() > 0), Settle, "every ticket to be handed out");
        Assert.Equal(200, tickets.Select(t => t.GetProperty("callOrder").GetInt64()).Distinct().Count());
        foreach (var field in tickets.GroupBy(t => t.GetProperty("field").GetString()))
        {
            var byIssue = field.Select(t => t.GetProperty("number").GetString()!).ToList();
            var byCall = field.OrderBy(t => t.GetProperty("callOrder").GetInt64()).Select(t => t.GetProperty("number").GetString()!).ToList();
            Assert.Equal(byIssue, byCall);
        }
    }

    [Fact]
    public async Task A_device_offline_raises_one_alert_and_one_webhook_and_it_clears_once_after_the_leader_is_killed()
    {
        using var webhook = new WebhookSink();
        _owned.Add(webhook);
        _cluster = await FleetCluster.StartAsync(3,
            "--Alerts:EvaluateEverySeconds=0.5",
            "--Alerts:Defaults:OpeningHours=always",
            "--Alerts:Defaults:OfflineMinutes=0.05",
            "--Alerts:Defaults:ClockUnsyncedMinutes=0",
            "--Alerts:Defaults:NoRatingHours=0",
            $"--Alerts:WebhookUrl={webhook.Url}");
        var device = await Cluster.StartDeviceAsync("counter-x", "centre-1", "1");
        await Eventually.TrueAsync(async () => (await Cluster.GetJsonAsync("/api/v1/health")).EnumerateArray()
            .Any(d => d.GetProperty("id").GetString() == "counter-x" && d.GetProperty("online").GetBoolean()), Settle, "the device to be online");

        device.Kill();
        await Eventually.TrueAsync(async () => OfflineAlerts(await Cluster.GetJsonAsync("/api/v1/alerts")).Open == 1, Settle, "one offline alert");
        await Eventually.TrueAsync(() => Task.FromResult(Notices(webhook, "opened") == 1), Settle, "one webhook for the opening");
        await Task.Delay(3000);
        foreach (var node in Cluster.Nodes)
        {
            Assert.Equal(1, OfflineAlerts(await node.GetJsonAsync("/api/v1/alerts")).Open);
        }

        var leader = await Cluster.LeaderAsync() ?? throw new InvalidOperationException("no node leads");
        leader.Kill();
        output.WriteLine($"leader on port {leader.HttpPort} killed");
        await Eventually.TrueAsync(async () => await Cluster.LeaderAsync() is { } next && next != leader, Settle, "another node to lead");

        await device.StartAsync();
        try
        {
            await Eventually.TrueAsync(async () => OfflineAlerts(await Cluster.GetJsonAsync("/api/v1/alerts")).Open == 0, Settle, "the alert to clear");
            await Eventually.TrueAsync(() => Task.FromResult(Notices(webhook, "resolved") == 1), Settle, "one webhook for the resolution");
        }
        catch (TimeoutException)
        {
            output.WriteLine($"webhook bodies: {string.Join("\n", webhook.Bodies)}");
            foreach (var node in Cluster.Nodes)
            {
                output.WriteLine(string.Join('\n', node.Output.Split('\n').Where(l => l.Contains("lert", StringComparison.Ordinal) || l.Contains("lead", StringComparison.Ordinal) || l.Contains("fail", StringComparison.Ordinal))));
            }

            throw;
        }

        await Task.Delay(3000);
        Assert.Equal(1, Notices(webhook, "opened"));
        Assert.Equal(1, Notices(webhook, "resolved"));
        Assert.Equal(1, OfflineAlerts(await Cluster.GetJsonAsync("/api/v1/alerts")).InHistory);
    }

    [Fact]
    public async Task PostgreSQL_restarted_during_ingest_loses_and_doubles_nothing()
    {
        _cluster = await FleetCluster.StartAsync(2);
        var devices = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => Cluster.StartDeviceAsync($"counter-p{i}", "centre-1", $"p{i}")));

        var pressing = Task.WhenAll(devices.Select(async d =>
        {
            for (var round = 0; round < 20; round++)
            {
                await d.PressAsync(button: 1 + (round % 4), count: 10);
                await Task.Delay(100);
            }
        }));
        await Task.Delay(700);
        await Cluster.Postgres.StopAsync();
        output.WriteLine("PostgreSQL stopped");
        await Task.Delay(3000);
        using var anonymousNode = new HttpClient { BaseAddress = Cluster.Nodes[0].Http.BaseAddress };
        var unhealthy = await anonymousNode.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy.StatusCode);
        await Cluster.Postgres.StartAgainAsync();
        output.WriteLine("PostgreSQL started again");
        await pressing;

        try
        {
            foreach (var d in devices)
            {
                await Eventually.TrueAsync(async () => (await d.StatusAsync()).GetProperty("outboxDepth").GetInt64() == 0, Settle, $"{d.Id} to drain");
            }
        }
        catch (TimeoutException)
        {
            foreach (var d in devices)
            {
                output.WriteLine($"{d.Id}: {await d.StatusAsync()}");
                output.WriteLine(string.Join('\n', d.Output.Split('\n').TakeLast(30)));
            }

            var db = Cluster.ConnectionString.Split(';').Single(p => p.StartsWith("Database=", StringComparison.Ordinal))["Database=".Length..];
            output.WriteLine(await Cluster.Postgres.PsqlAsync(db, "SELECT device_id, up_to, max_seq, stored FROM device_sequences ORDER BY 1"));
            foreach (var node in Cluster.Nodes)
            {
                output.WriteLine(string.Join('\n', node.Output.Split('\n')
                    .Where(l => !l.TrimStart().StartsWith("[fleet]       at ", StringComparison.Ordinal) && !l.Contains("   at ", StringComparison.Ordinal)
                                && !l.Contains("Exception data", StringComparison.Ordinal) && !l.Contains("Detail", StringComparison.Ordinal)
                                && !l.Contains("info: Microsoft", StringComparison.Ordinal))
                    .TakeLast(50)));
            }

            throw;
        }

        var database = Cluster.ConnectionString.Split(';').Single(p => p.StartsWith("Database=", StringComparison.Ordinal))["Database=".Length..];
        Assert.Equal("600", await Cluster.Postgres.PsqlAsync(database, "SELECT count(*) FROM ratings"));
        Assert.Equal("600", await Cluster.Postgres.PsqlAsync(database, "SELECT count(DISTINCT (device_id, seq)) FROM ratings"));
        Assert.Equal("3", await Cluster.Postgres.PsqlAsync(database, "SELECT count(*) FROM device_sequences WHERE up_to = max_seq AND max_seq = stored AND stored >= 200"));
        await Eventually.TrueAsync(async () => (await anonymousNode.GetAsync("/healthz")).IsSuccessStatusCode, Settle, "the node to be healthy again");
    }

    private async Task<List<JsonElement>> TicketsAsync(string centre) =>
        (await Cluster.GetJsonAsync($"/api/v1/queue/tickets?centre={centre}")).GetProperty("tickets").EnumerateArray().ToList();

    private static (int Open, int InHistory) OfflineAlerts(JsonElement alerts) =>
        (alerts.GetProperty("open").EnumerateArray().Count(IsOffline), alerts.GetProperty("history").EnumerateArray().Count(IsOffline));

    private static bool IsOffline(JsonElement alert) =>
        alert.GetProperty("kind").GetString() == "device-offline" && alert.GetProperty("deviceId").GetString() == "counter-x";

    private static int Notices(WebhookSink webhook, string kind) =>
        webhook.Bodies.Select(b => JsonDocument.Parse(b).RootElement)
            .Count(n => n.GetProperty("event").GetString() == kind && IsOffline(n.GetProperty("alert")));

    private async Task<bool> ConnectsAsync(string user, string password, string? clientId = null)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Cluster.Mosquitto.Port)
            .WithClientId(clientId ?? user)
            .WithCredentials(user, password)
            .WithTimeout(TimeSpan.FromSeconds(5))
            .Build();
        try
        {
            var result = await client.ConnectAsync(options);
            var ok = result.ResultCode == MqttClientConnectResultCode.Success;
            if (ok)
            {
                await client.DisconnectAsync();
            }

            return ok;
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException or OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>The several-nodes tests each start seven or more processes: one at a time, never beside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SeveralNodesCollection
{
    public const string Name = "several nodes";
}
