using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.EndToEnd.Tests.Scale;
using Edge.Testing;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;
using static Edge.EndToEnd.Tests.Federation.FederationProbes;

namespace Edge.EndToEnd.Tests.Federation;

/// <summary>
/// A province fleet on its defaults (embedded broker, LiteDB) forwards to a national fleet run as a nation would: two
/// nodes on PostgreSQL behind Mosquitto with its dynamic security plugin and haproxy (<see cref="FleetCluster"/>), as
/// real processes. The province is enrolled at the nation by claim code (role <c>fleet</c>), its device at the
/// province. One national node is SIGKILLed in the middle of forwarding (its in-flight batch, if any, is resent to the
/// other after the ack timeout) and started again, then the whole nation is down while ratings keep coming; at the end the nation's figures equal the province's, nothing doubled. Mosquitto
/// keeps the province to <c>fleets/province-a/...</c> and devices out of <c>fleets/</c>.
/// </summary>
[Collection(SeveralNodesCollection.Name)]
public sealed class ExternalBrokerFederationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Province = "province-a";
    private const string ProvinceCode = "01";
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(240);

    // Buttons are numbered best first: button 1 is level 4 ... button 4 is level 1.
    private static readonly int[] FirstPresses = [40, 30, 20, 10];
    private static readonly int[] SecondPresses = [12, 8, 6, 4];

    private readonly TempFolder _folder = new("federation-external");
    private readonly List<IDisposable> _started = [];
    private FleetCluster? _nation;

    private FleetCluster Nation => _nation ?? throw new InvalidOperationException("no nation");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            _started[i].Dispose();
        }

        if (_nation is not null)
        {
            await _nation.DisposeAsync();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task A_national_fleet_on_Mosquitto_and_PostgreSQL_holds_the_provinces_ratings_once_through_a_node_crash_and_a_national_outage()
    {
        _nation = await FleetCluster.StartAsync(nodes: 2);
        var code = await Nation.EnrolAsync(Province, "nation", "-", role: "fleet");
        var province = Start(new FleetRunner(_folder[Province],
            $"--Federation:Upstream:Url={Nation.Balancer.Address.ToString().TrimEnd('/')}",
            $"--Federation:Upstream:ClaimCode={code}",
            $"--Federation:Upstream:Broker=127.0.0.1:{Nation.Mosquitto.Port}",
            $"--Federation:SourceName={Province}",
            "--Federation:Upstream:BatchSize=1",
            "--Federation:Upstream:RetrySeconds=0.3",
            "--Federation:Upstream:AckTimeoutSeconds=5"));
        await province.StartAsync();
        using (var saved = await province.Http.PutAsJsonAsync($"/api/v1/centres/{FleetRunner.DefaultCentre}", new { name = "Trung tâm phường Ba Đình", province = ProvinceCode }))
        {
            Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        }

        var device = Start(new DeviceRunner("counter-a", _folder["counter-a"], province.MqttPort, "--Device:Counter=7"));
        await device.StartAsync();
        try
        {
            await Eventually.TrueAsync(async () => await MetricAsync(province, "edge_federation_upstream_connected") == 1, Drain, "the province to connect upward through Mosquitto");

            // Forwarding one event per batch, through both national nodes; node 2 is SIGKILLed in the middle and comes back.
            await PressAsync(device, FirstPresses);
            var atKill = await FirstForwardedAsync();
            Nation.Nodes[1].Kill();
            var afterKill = await ForwardedRatingsAsync();
            output.WriteLine($"killed national node 2 when the nation held {atKill} (then {afterKill}) of {FirstPresses.Sum()}");
            Assert.True(afterKill < FirstPresses.Sum(), "the node's kill must land in the middle of the forwarding");
            await Eventually.ReturnsAsync(ForwardedRatingsAsync, held => held >= FirstPresses.Sum(), Drain, "node 1 to take the forwarding on");
            await Nation.Nodes[1].StartAsync();

            // The whole nation is down while ratings keep coming: the province keeps them as a backlog, then forwards them.
            Nation.Nodes[0].Kill();
            Nation.Nodes[1].Kill();
            await PressAsync(device, SecondPresses);
            await DrainedAsync(device, Drain);
            var backlog = await Eventually.ReturnsAsync(() => MetricAsync(province, "edge_federation_backlog_events"), b => b >= SecondPresses.Sum(), Drain, "the province's backlog");
            output.WriteLine($"province backlog while the nation is down: {backlog}");
            await Task.WhenAll(Nation.Nodes.Select(n => n.StartAsync()));

            var presses = FirstPresses.Sum() + SecondPresses.Sum();
            await Eventually.TrueAsync(async () => await MetricAsync(province, "edge_federation_backlog_events") == 0, Drain, "the province to forward everything");
            await Eventually.ReturnsAsync(
                async () => (await Nation.GetJsonAsync("/api/v1/stats/ratings")).GetProperty("total").GetInt64(), total => total >= presses, Drain,
                "the nation to hold every rating");

            await AssertNationEqualsTheProvinceAsync(province, presses);
            await AssertMosquittoKeepsFleetsAndDevicesApartAsync(province);
        }
        catch
        {
            output.WriteLine($"---- province\n{province.Output}");
            foreach (var node in Nation.Nodes)
            {
                output.WriteLine($"---- {node.DataDir}\n{node.Output}");
            }

            output.WriteLine($"---- mosquitto\n{Nation.Mosquitto.Output}");
            throw;
        }
    }

    private async Task AssertNationEqualsTheProvinceAsync(FleetRunner province, int presses)
    {
        var own = await province.GetJsonAsync("/api/v1/stats/ratings");
        Assert.Equal(presses, own.GetProperty("total").GetInt64());
        foreach (var node in Nation.Nodes)
        {
            // Any node answers the same: the figures are PostgreSQL's.
            var nation = await node.GetJsonAsync("/api/v1/stats/ratings");
            Assert.Equal(presses, nation.GetProperty("total").GetInt64());
            foreach (var level in new[] { "1", "2", "3", "4" })
            {
                Assert.Equal(own.GetProperty("byLevel").GetProperty(level).GetInt64(), nation.GetProperty("byLevel").GetProperty(level).GetInt64());
            }
        }

        var centres = (await Nation.GetJsonAsync("/api/v1/federation/centres")).EnumerateArray()
            .Select(c => $"{c.GetProperty("centre").GetString()} {c.GetProperty("ratings").GetInt64()}")
            .ToList();
        Assert.Equal([$"{Province}.centre-1 {presses}"], centres);

        var ownRow = (await province.GetJsonAsync("/api/v1/comparison")).GetProperty("rows").EnumerateArray().Single();
        var nationRow = (await Nation.GetJsonAsync("/api/v1/comparison")).GetProperty("rows").EnumerateArray().Single();
        Assert.Equal(
            (ProvinceCode, ownRow.GetProperty("ratings").GetInt64(), ownRow.GetProperty("index").GetDouble()),
            (nationRow.GetProperty("key").GetString(), nationRow.GetProperty("ratings").GetInt64(), nationRow.GetProperty("index").GetDouble()));

        var received = 0.0;
        var acks = 0.0;
        foreach (var node in Nation.Nodes)
        {
            received += await MetricAsync(node, "edge_federation_received_events_total");
            acks += await MetricAsync(node, "edge_federation_acks_sent_total");
        }

        output.WriteLine($"nation: {nationRow}; province forwarded {await MetricAsync(province, "edge_federation_forwarded_events_total")} events "
            + $"since its start; the nodes received {received} and acked {acks} batches since theirs");
    }

    /// <summary>
    /// On Mosquitto (dynamic security), the province's own credentials cannot publish under <c>edge/v1/</c> nor as
    /// another fleet, a national device cannot publish under <c>fleets/</c>, and a malformed batch on the province's
    /// own topic reaches a node, which refuses and counts it.
    /// </summary>
    private async Task AssertMosquittoKeepsFleetsAndDevicesApartAsync(FleetRunner province)
    {
        using var identity = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(province.DataDir, "federation-identity.json")));
        var secret = identity.RootElement.GetProperty("secret").GetString()!;
        await province.StopAsync(TimeSpan.FromSeconds(10)); // its own session would be taken over by ours anyway
        var nationalDevice = await Nation.Nodes[0].ProvisionAsync("centre-n", "1", "counter-n");

        // A listener with the nodes' login (not in their shared group) sees what gets through.
        var heard = new ConcurrentQueue<string>();
        using var listener = await ConnectAsync("probe-listener", FleetCluster.FleetLogin, FleetCluster.FleetPassword);
        listener.ApplicationMessageReceivedAsync += e =>
        {
            heard.Enqueue(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
        await listener.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.AllEvents, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.AllStatus, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(FederationTopics.AllEvents, MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

        using var fleet = await ConnectAsync(Province, Province, secret);
        using var deviceClient = await ConnectAsync(nationalDevice.DeviceId, nationalDevice.DeviceId, nationalDevice.Secret);
        // Mosquitto 2.0 answers a publish its dynamic security denies with PUBACK NotAuthorized (MQTT 5).
        var refused = new List<(string Topic, MqttClientPublishReasonCode Answer)>
        {
            (Topics.Events(Province), await PublishAsync(fleet, Topics.Events(Province), "{}")),
            (Topics.Status(Province), await PublishAsync(fleet, Topics.Status(Province), "{}")),
            (FederationTopics.Events("province-b"), await PublishAsync(fleet, FederationTopics.Events("province-b"), "{}")),
            ("device " + FederationTopics.Events(nationalDevice.DeviceId), await PublishAsync(deviceClient, FederationTopics.Events(nationalDevice.DeviceId), "{}")),
            ("device " + FederationTopics.Events(Province), await PublishAsync(deviceClient, FederationTopics.Events(Province), "{}")),
        };
        Assert.All(refused, r => Assert.True(r.Answer == MqttClientPublishReasonCode.NotAuthorized, $"{r.Topic}: {r.Answer}"));
        foreach (var filter in new[] { Topics.Ack(nationalDevice.DeviceId), "edge/v1/#", FederationTopics.Ack("province-b") })
        {
            var granted = (await fleet.SubscribeAsync(filter, MqttQualityOfServiceLevel.AtLeastOnce)).Items.Single().ResultCode;
            Assert.True(granted > MqttClientSubscribeResultCode.GrantedQoS2, $"the province may subscribe to {filter}");
        }

        // The own topic gets through (last, so the others had their chance): a node refuses it as malformed.
        await PublishAsync(fleet, FederationTopics.Events(Province), "not a batch");
        await Eventually.TrueAsync(() => Task.FromResult(heard.Contains(FederationTopics.Events(Province))), TimeSpan.FromSeconds(30), "the own publish");
        await Eventually.TrueAsync(async () => await SumAsync("edge_federation_refused_total{reason=\"malformed\"}") == 1, TimeSpan.FromSeconds(30),
            "a node to refuse and count the malformed batch");
        await Task.Delay(300);
        Assert.Equal([FederationTopics.Events(Province)], heard.Distinct());
        Assert.Equal(FirstPresses.Sum() + SecondPresses.Sum(), (await Nation.GetJsonAsync("/api/v1/stats/ratings")).GetProperty("total").GetInt64());
    }

    private async Task<IMqttClient> ConnectAsync(string clientId, string user, string password)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var connected = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Nation.Mosquitto.Port)
            .WithClientId(clientId)
            .WithCredentials(user, password)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build());
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        return client;
    }

    private T Start<T>(T process)
        where T : IDisposable
    {
        _started.Add(process);
        return process;
    }

    /// <summary>Polls the nation closely until it holds some of the province's ratings; how many.</summary>
    private async Task<long> FirstForwardedAsync()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Drain)
        {
            if (await ForwardedRatingsAsync() is > 0 and var held)
            {
                return held;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("the nation never received a rating from the province");
    }

    /// <summary>The province's ratings the nation holds, asked of a node that runs (the balancer may still try a dead one).</summary>
    private async Task<long> ForwardedRatingsAsync()
    {
        var node = Nation.Nodes.First(n => n.IsRunning);
        return (await node.GetJsonAsync($"/api/v1/federation/centres?source={Province}")).EnumerateArray().Sum(c => c.GetProperty("ratings").GetInt64());
    }

    private async Task<double> SumAsync(string sample)
    {
        var sum = 0.0;
        foreach (var node in Nation.Nodes)
        {
            sum += await MetricAsync(node, sample);
        }

        return sum;
    }
}
