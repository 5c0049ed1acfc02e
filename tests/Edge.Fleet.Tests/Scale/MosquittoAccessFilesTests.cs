using System.Collections.Concurrent;
using Edge.Fleet.Broker.External;
using Edge.Testing;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Fleet.Tests.Scale;

/// <summary>
/// The Mosquitto set-up that fleet/Broker/External/README.md documents, on a real Mosquitto: generated password and
/// ACL files let each device in under its own name and confine it to its own topics, and let the fleet's user
/// consume everyone's events through the shared subscription.
/// </summary>
public sealed class MosquittoAccessFilesTests : IAsyncLifetime
{
    private const string FleetUser = "edge-fleet";
    private readonly List<IMqttClient> _clients = [];
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private ThrowawayMosquitto? _broker;

    private ThrowawayMosquitto Broker => _broker!;

    public async Task InitializeAsync()
    {
        BrokerAccount[] accounts =
        [
            new(FleetUser, "fleet-secret"), new("dev-a", "a-secret"), new("dev-b", "b-secret"),
            new("province-a", "province-a-secret"), new("province-b", "province-b-secret"),
        ];
        _broker = await ThrowawayMosquitto.StartAsync(
            new MosquittoSecurity(MosquittoAccessFiles.PasswordFile(accounts), MosquittoAccessFiles.AclFile(FleetUser, ["province-a", "province-b"])));
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
            }

            client.Dispose();
        }

        _broker?.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Wrong_password_is_refused()
    {
        var client = Track(new MqttClientFactory().CreateMqttClient());

        // MQTTnet 5 answers a refused CONNECT with its result, not an exception.
        var result = await client.ConnectAsync(Options("dev-a", "not-the-secret"), Timeout());

        // Mosquitto 2.0 says NotAuthorized where the MQTT 5 spec would also allow BadUserNameOrPassword.
        Assert.Contains(result.ResultCode, new[] { MqttClientConnectResultCode.NotAuthorized, MqttClientConnectResultCode.BadUserNameOrPassword });
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Device_reaches_the_fleet_only_on_its_own_topics_and_hears_only_its_own_acks()
    {
        var (fleet, fleetGot) = await ConnectAsync(FleetUser, "fleet-secret");
        var fleetSubscription = await fleet.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(Topics.Shared("edge-fleet", Topics.AllEvents), MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(Topics.AllStatus, MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            Timeout());
        var (deviceA, deviceAGot) = await ConnectAsync("dev-a", "a-secret");
        var (deviceB, deviceBGot) = await ConnectAsync("dev-b", "b-secret");
        await deviceA.SubscribeAsync(Topics.Ack("dev-a"), MqttQualityOfServiceLevel.AtLeastOnce, Timeout());
        var spying = await deviceA.SubscribeAsync(Topics.Ack("dev-b"), MqttQualityOfServiceLevel.AtLeastOnce, Timeout());
        await deviceB.SubscribeAsync(Topics.Ack("dev-b"), MqttQualityOfServiceLevel.AtLeastOnce, Timeout());

        await deviceA.PublishAsync(Message(Topics.Events("dev-a"), "own"), Timeout());
        await deviceA.PublishAsync(Message(Topics.Events("dev-b"), "forged"), Timeout());
        await fleet.PublishAsync(Message(Topics.Ack("dev-b"), "{\"upTo\":1}"), Timeout());
        await Eventually.TrueAsync(() => Task.FromResult(fleetGot.ContainsKey(Topics.Events("dev-a")) && deviceBGot.ContainsKey(Topics.Ack("dev-b"))),
            TimeSpan.FromSeconds(10), "the allowed messages");
        await Task.Delay(300);

        Assert.All(fleetSubscription.Items, i => Assert.True(i.ResultCode <= MqttClientSubscribeResultCode.GrantedQoS2, $"{i.TopicFilter.Topic}: {i.ResultCode}"));
        Assert.True(spying.Items.Single().ResultCode > MqttClientSubscribeResultCode.GrantedQoS2
                    || !deviceAGot.ContainsKey(Topics.Ack("dev-b")), "dev-a heard dev-b's ack");
        Assert.Equal("own", fleetGot[Topics.Events("dev-a")]);
        Assert.False(fleetGot.ContainsKey(Topics.Events("dev-b")), "dev-a published as dev-b");
        Assert.False(deviceAGot.ContainsKey(Topics.Ack("dev-b")), "dev-a heard dev-b's ack");
    }

    [Fact]
    public async Task A_lower_fleet_reaches_the_nodes_only_on_its_own_events_hears_only_its_own_acks_and_a_device_nothing_under_fleets()
    {
        var (fleet, fleetGot) = await ConnectAsync(FleetUser, "fleet-secret");
        var fleetSubscription = await fleet.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(Topics.Shared("edge-fleet", FederationTopics.AllEvents), MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(Topics.Shared("edge-fleet", Topics.AllEvents), MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(Topics.AllStatus, MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            Timeout());
        var (province, provinceGot) = await ConnectAsync("province-a", "province-a-secret");
        var (device, deviceGot) = await ConnectAsync("dev-a", "a-secret");

        // An ACL file does not check subscriptions (Mosquitto 2.0): what is refused is delivery, checked below.
        await province.SubscribeAsync("#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout());
        await device.SubscribeAsync("fleets/#", MqttQualityOfServiceLevel.AtLeastOnce, Timeout());

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await province.PublishAsync(Message(Topics.Events("province-a"), "as a device"), Timeout())).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await province.PublishAsync(Message(Topics.Status("province-a"), "as a device"), Timeout())).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await province.PublishAsync(Message(FederationTopics.Events("province-b"), "as another fleet"), Timeout())).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await device.PublishAsync(Message(FederationTopics.Events("dev-a"), "a device as a fleet"), Timeout())).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await device.PublishAsync(Message(FederationTopics.Events("province-a"), "a device as the province"), Timeout())).ReasonCode);
        await province.PublishAsync(Message(FederationTopics.Events("province-a"), "own"), Timeout());
        await fleet.PublishAsync(Message(FederationTopics.Ack("province-b"), "{}"), Timeout());
        await fleet.PublishAsync(Message(Topics.Ack("province-a"), "{}"), Timeout());
        await fleet.PublishAsync(Message(FederationTopics.Ack("province-a"), "{\"deviceId\":\"d\",\"upTo\":1}"), Timeout());

        await Eventually.TrueAsync(() => Task.FromResult(fleetGot.ContainsKey(FederationTopics.Events("province-a")) && provinceGot.ContainsKey(FederationTopics.Ack("province-a"))),
            TimeSpan.FromSeconds(10), "the own batch to reach the node and the node's ack the lower fleet");
        await Task.Delay(300);
        Assert.All(fleetSubscription.Items, i => Assert.True(i.ResultCode <= MqttClientSubscribeResultCode.GrantedQoS2, $"{i.TopicFilter.Topic}: {i.ResultCode}"));
        Assert.Equal("own", fleetGot[FederationTopics.Events("province-a")]);
        Assert.False(fleetGot.ContainsKey(Topics.Events("province-a")), "a lower fleet published as a device");
        Assert.False(fleetGot.ContainsKey(Topics.Status("province-a")), "a lower fleet published a device status");
        Assert.False(fleetGot.ContainsKey(FederationTopics.Events("province-b")), "a lower fleet published as another");
        Assert.False(fleetGot.ContainsKey(FederationTopics.Events("dev-a")), "a device published under fleets/");
        Assert.Equal([FederationTopics.Ack("province-a")], provinceGot.Keys);
        Assert.Empty(deviceGot);
    }

    private async Task<(IMqttClient Client, ConcurrentDictionary<string, string> Received)> ConnectAsync(string user, string password)
    {
        var client = Track(new MqttClientFactory().CreateMqttClient());
        var received = new ConcurrentDictionary<string, string>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            received[e.ApplicationMessage.Topic] = e.ApplicationMessage.ConvertPayloadToString();
            return Task.CompletedTask;
        };
        var result = await client.ConnectAsync(Options(user, password), Timeout());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return (client, received);
    }

    private MqttClientOptions Options(string user, string password) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Broker.Port)
            .WithClientId($"{nameof(MosquittoAccessFilesTests)}-{user}")
            .WithCredentials(user, password)
            .Build();

    private static MqttApplicationMessage Message(string topic, string payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    private CancellationToken Timeout() => _timeout.Token;

    private IMqttClient Track(IMqttClient client)
    {
        _clients.Add(client);
        return client;
    }
}
