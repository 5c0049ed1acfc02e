using System.Collections.Concurrent;
using Edge.Fleet.Broker.External;
using Edge.Fleet.Broker.External.DynamicSecurity;
using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Fleet.Tests.Scale;

/// <summary>
/// <see cref="MosquittoDynamicSecurityAccounts"/> against a real Mosquitto with its dynamic security plugin, set up as
/// fleet/Broker/External/README.md says: the broker knows exactly the devices the fleet granted, confines each to its
/// own topics, and follows retiring and replacing at once.
/// </summary>
public sealed class DynamicSecurityAccountsTests : IAsyncLifetime
{
    private const string Admin = "edge-admin";
    private const string AdminPassword = "admin-secret-for-tests";
    private const string FleetUser = "edge-fleet";
    private const string FleetPassword = "fleet-secret-for-tests";

    private readonly List<IMqttClient> _clients = [];
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(90));
    private ThrowawayMosquitto _broker = null!;
    private DynamicSecurityChannel _channel = null!;
    private MosquittoDynamicSecurityAccounts _accounts = null!;
    private IMqttClient _fleet = null!;
    private ConcurrentDictionary<string, string> _fleetGot = null!;

    public async Task InitializeAsync()
    {
        _broker = await ThrowawayMosquitto.StartAsync(dynamicSecurity: new MosquittoDynamicSecurity(Admin, AdminPassword));
        var options = Microsoft.Extensions.Options.Options.Create(new BrokerOptions
        {
            Mode = BrokerOptions.ExternalMode,
            External = new ExternalBrokerOptions
            {
                Port = _broker.Port,
                Username = FleetUser,
                Password = FleetPassword,
                ClientId = nameof(DynamicSecurityAccountsTests),
                DynamicSecurity = true,
                AdminUsername = Admin,
                AdminPassword = AdminPassword,
            },
        });
        _channel = new DynamicSecurityChannel(options, NullLogger<DynamicSecurityChannel>.Instance);
        _accounts = new MosquittoDynamicSecurityAccounts(_channel, options, NullLogger<MosquittoDynamicSecurityAccounts>.Instance);

        // What a node does before it logs in; twice, as every node start does.
        await _accounts.EnsureFleetLoginAsync(Timeout());
        await _accounts.EnsureFleetLoginAsync(Timeout());
        (_fleet, _fleetGot) = await ConnectAsync("fleet-node", FleetUser, FleetPassword);
        var subscribed = await _fleet.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.Shared("edge-fleet", Topics.AllEvents), MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.Shared("edge-fleet", QueueTopics.AllCalls), MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.AllStatus, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.Shared("edge-fleet", FederationTopics.AllEvents), MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), Timeout());
        Assert.All(subscribed.Items, i => Assert.True(i.ResultCode <= MqttClientSubscribeResultCode.GrantedQoS2, $"fleet {i.TopicFilter.Topic}: {i.ResultCode}\n{_broker.Output}"));
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

        await _channel.DisposeAsync();
        _broker.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task A_device_never_provisioned_is_refused()
    {
        await _accounts.GrantAsync("dyn-known", DeviceRoles.Counter, "known-secret-0123456789", Timeout());

        Assert.NotEqual(MqttClientConnectResultCode.Success, await TryConnectAsync("dyn-stranger", "dyn-stranger", "any-secret"));
        Assert.NotEqual(MqttClientConnectResultCode.Success, await TryConnectAsync("dyn-known", "dyn-known", "wrong-secret"));
        // The right secret with another client id: would take over another device's session.
        Assert.NotEqual(MqttClientConnectResultCode.Success, await TryConnectAsync("dyn-other", "dyn-known", "known-secret-0123456789"));
        Assert.Equal(MqttClientConnectResultCode.Success, await TryConnectAsync("dyn-known", "dyn-known", "known-secret-0123456789"));
    }

    [Fact]
    public async Task A_granted_device_publishes_its_own_events_and_calls_but_not_another_devices()
    {
        await _accounts.GrantAsync("dyn-a", DeviceRoles.Counter, "a-secret-0123456789", Timeout());
        await _accounts.GrantAsync("dyn-b", DeviceRoles.Counter, "b-secret-0123456789", Timeout());
        var (a, _) = await ConnectAsync("dyn-a", "dyn-a", "a-secret-0123456789");

        await a.PublishAsync(Message(Topics.Events("dyn-b"), "forged"), Timeout());
        await a.PublishAsync(Message(QueueTopics.Call("dyn-b"), "forged"), Timeout());
        await a.PublishAsync(Message(Topics.Ack("dyn-a"), "forged"), Timeout());
        await a.PublishAsync(Message(Topics.Events("dyn-a"), "own"), Timeout());
        await a.PublishAsync(Message(QueueTopics.Call("dyn-a"), "own call"), Timeout());

        await Eventually.TrueAsync(() => Task.FromResult(_fleetGot.ContainsKey(QueueTopics.Call("dyn-a"))), TimeSpan.FromSeconds(10), "the own call");
        await Task.Delay(300);
        Assert.Equal("own", _fleetGot[Topics.Events("dyn-a")]);
        Assert.False(_fleetGot.ContainsKey(Topics.Events("dyn-b")), "dyn-a published events as dyn-b");
        Assert.False(_fleetGot.ContainsKey(QueueTopics.Call("dyn-b")), "dyn-a called as dyn-b");
        foreach (var filter in new[] { Topics.Ack("dyn-b"), "edge/v1/+/ack", "edge/v1/dyn-a/#", "#" })
        {
            Assert.True(await SubscribeAsync(a, filter) > MqttClientSubscribeResultCode.GrantedQoS2, $"dyn-a may subscribe to {filter}");
        }

        foreach (var filter in new[] { Topics.Ack("dyn-a"), Topics.Config("dyn-a"), Topics.Commands("dyn-a"), UpdateTopics.Offer("dyn-a"), QueueTopics.Replies("dyn-a") })
        {
            Assert.True(await SubscribeAsync(a, filter) <= MqttClientSubscribeResultCode.GrantedQoS2, $"dyn-a may not subscribe to {filter}");
        }
    }

    [Fact]
    public async Task A_lower_fleet_publishes_only_its_own_forwarded_events_and_hears_only_its_own_acks_and_a_device_nothing_under_fleets()
    {
        await _accounts.GrantAsync("dyn-province", DeviceRoles.Fleet, "p-secret-0123456789", Timeout());
        await _accounts.GrantAsync("dyn-other", DeviceRoles.Fleet, "o-secret-0123456789", Timeout());
        await _accounts.GrantAsync("dyn-dev", DeviceRoles.Counter, "d-secret-0123456789", Timeout());
        var (province, provinceGot) = await ConnectAsync("dyn-province", "dyn-province", "p-secret-0123456789");
        var (device, _) = await ConnectAsync("dyn-dev", "dyn-dev", "d-secret-0123456789");
        Assert.True(await SubscribeAsync(province, FederationTopics.Ack("dyn-province")) <= MqttClientSubscribeResultCode.GrantedQoS2);
        foreach (var filter in new[] { FederationTopics.Ack("dyn-other"), "fleets/+/ack", FederationTopics.Events("dyn-other"), Topics.Ack("dyn-province"), "edge/v1/#", "#" })
        {
            Assert.True(await SubscribeAsync(province, filter) > MqttClientSubscribeResultCode.GrantedQoS2, $"the lower fleet may subscribe to {filter}");
        }

        Assert.True(await SubscribeAsync(device, FederationTopics.Ack("dyn-dev")) > MqttClientSubscribeResultCode.GrantedQoS2, "a device may subscribe under fleets/");

        // Not as a device, not as another fleet; a device not as a fleet. The own batch goes last: once it is in, the others would be too.
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await province.PublishAsync(Message(Topics.Events("dyn-province"), "as a device"), Timeout())).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await province.PublishAsync(Message(Topics.Status("dyn-province"), "as a device"), Timeout())).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await province.PublishAsync(Message(FederationTopics.Events("dyn-other"), "as another fleet"), Timeout())).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await device.PublishAsync(Message(FederationTopics.Events("dyn-dev"), "a device as a fleet"), Timeout())).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await device.PublishAsync(Message(FederationTopics.Events("dyn-province"), "a device as the province"), Timeout())).ReasonCode);
        await province.PublishAsync(Message(FederationTopics.Events("dyn-province"), "own"), Timeout());
        await _fleet.PublishAsync(Message(FederationTopics.Ack("dyn-other"), "{}"), Timeout());
        await _fleet.PublishAsync(Message(FederationTopics.Ack("dyn-province"), "{\"deviceId\":\"d\",\"upTo\":1}"), Timeout());

        await Eventually.TrueAsync(() => Task.FromResult(_fleetGot.ContainsKey(FederationTopics.Events("dyn-province")) && provinceGot.ContainsKey(FederationTopics.Ack("dyn-province"))),
            TimeSpan.FromSeconds(10), "the own batch to reach the node and the node's ack the lower fleet");
        await Task.Delay(300);
        Assert.Equal("own", _fleetGot[FederationTopics.Events("dyn-province")]);
        Assert.False(_fleetGot.ContainsKey(Topics.Events("dyn-province")), "a lower fleet published as a device");
        Assert.False(_fleetGot.ContainsKey(Topics.Status("dyn-province")), "a lower fleet published a device status");
        Assert.False(_fleetGot.ContainsKey(FederationTopics.Events("dyn-other")), "a lower fleet published as another");
        Assert.False(_fleetGot.ContainsKey(FederationTopics.Events("dyn-dev")), "a device published under fleets/");
        Assert.Equal([FederationTopics.Ack("dyn-province")], provinceGot.Keys);
    }

    [Fact]
    public async Task A_revoked_device_is_kicked_and_cannot_reconnect()
    {
        await _accounts.GrantAsync("dyn-r", DeviceRoles.Counter, "r-secret-0123456789", Timeout());
        var (device, _) = await ConnectAsync("dyn-r", "dyn-r", "r-secret-0123456789");

        await _accounts.RevokeAsync("dyn-r", Timeout());

        await Eventually.TrueAsync(() => Task.FromResult(!device.IsConnected), TimeSpan.FromSeconds(5), "the revoked device's session to be closed");
        Assert.NotEqual(MqttClientConnectResultCode.Success, await TryConnectAsync("dyn-r", "dyn-r", "r-secret-0123456789"));
        // Revoking a device the broker never knew is not an error (nothing to refuse).
        await _accounts.RevokeAsync("dyn-never", Timeout());
    }

    [Fact]
    public async Task A_demoted_device_hands_in_events_and_reads_its_ack_but_gets_no_configuration_or_commands()
    {
        await _accounts.GrantAsync("dyn-old", DeviceRoles.Counter, "old-secret-0123456789", Timeout());
        var (before, _) = await ConnectAsync("dyn-old", "dyn-old", "old-secret-0123456789");
        Assert.True(await SubscribeAsync(before, Topics.Config("dyn-old")) <= MqttClientSubscribeResultCode.GrantedQoS2);

        await _accounts.DemoteAsync("dyn-old", Timeout());

        // The session that held the configuration subscription is closed.
        await Eventually.TrueAsync(() => Task.FromResult(!before.IsConnected), TimeSpan.FromSeconds(5), "the demoted device's session to be closed");
        var (device, got) = await ConnectAsync("dyn-old-2", "dyn-old", "old-secret-0123456789", clientId: "dyn-old");
        Assert.True(await SubscribeAsync(device, Topics.Ack("dyn-old")) <= MqttClientSubscribeResultCode.GrantedQoS2, "ack refused");
        foreach (var filter in new[] { Topics.Config("dyn-old"), Topics.Commands("dyn-old"), UpdateTopics.Offer("dyn-old"), QueueTopics.Replies("dyn-old") })
        {
            Assert.True(await SubscribeAsync(device, filter) > MqttClientSubscribeResultCode.GrantedQoS2, $"demoted device may subscribe to {filter}");
        }

        await device.PublishAsync(Message(QueueTopics.Call("dyn-old"), "no longer its counter"), Timeout());
        await device.PublishAsync(Message(Topics.Events("dyn-old"), "buffered"), Timeout());
        await _fleet.PublishAsync(Message(Topics.Ack("dyn-old"), "{\"upTo\":1}"), Timeout());
        await Eventually.TrueAsync(() => Task.FromResult(_fleetGot.ContainsKey(Topics.Events("dyn-old")) && got.ContainsKey(Topics.Ack("dyn-old"))),
            TimeSpan.FromSeconds(10), "the buffered events to reach the fleet and the ack the device");
        Assert.False(_fleetGot.ContainsKey(QueueTopics.Call("dyn-old")), "a replaced device called");
    }

    private async Task<(IMqttClient Client, ConcurrentDictionary<string, string> Received)> ConnectAsync(
        string name, string user, string password, string? clientId = null)
    {
        var client = Track(new MqttClientFactory().CreateMqttClient());
        var received = new ConcurrentDictionary<string, string>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            received[e.ApplicationMessage.Topic] = e.ApplicationMessage.ConvertPayloadToString();
            return Task.CompletedTask;
        };
        var result = await client.ConnectAsync(Options(clientId ?? name, user, password), Timeout());
        Assert.True(result.ResultCode == MqttClientConnectResultCode.Success, $"{name}: {result.ResultCode}\n{_broker.Output}");
        return (client, received);
    }

    private async Task<MqttClientConnectResultCode> TryConnectAsync(string clientId, string user, string password)
    {
        var client = Track(new MqttClientFactory().CreateMqttClient());
        try
        {
            return (await client.ConnectAsync(Options(clientId, user, password), Timeout())).ResultCode;
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException)
        {
            // A refusal without a reason code.
            return MqttClientConnectResultCode.UnspecifiedError;
        }
    }

    private async Task<MqttClientSubscribeResultCode> SubscribeAsync(IMqttClient client, string filter) =>
        (await client.SubscribeAsync(filter, MqttQualityOfServiceLevel.AtLeastOnce, Timeout())).Items.Single().ResultCode;

    private MqttClientOptions Options(string clientId, string user, string password) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _broker.Port)
            .WithClientId(clientId)
            .WithCredentials(user, password)
            .WithTimeout(TimeSpan.FromSeconds(10))
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
