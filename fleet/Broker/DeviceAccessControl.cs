using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Fleet.Broker;

/// <summary>
/// Who may connect to the embedded broker and what they may publish and subscribe to.
/// A connection must present client id = user name = a registered device id that may connect, and that device's
/// secret as password. What it may then publish and subscribe is <see cref="DeviceTopicRules"/>, the one rule set
/// the external broker's ACLs are made from too (its own uplink and downlink topics, fewer once replaced).
/// Every refusal is logged and counted.
/// The fleet's own messages are injected into the broker as <see cref="DeviceSessionDelivery.FleetClientId"/>, an id no
/// device can have.
/// </summary>
public sealed class DeviceAccessControl(
    IDeviceAuthenticator registry,
    IBrokerRefusalCounts counters,
    IOptions<DeviceAuthOptions> options,
    ILogger<DeviceAccessControl> logger) : IDeviceSessions
{
    private readonly bool _required = options.Value.DevicesMustAuthenticate;
    private MqttServer? _server;

    public void Attach(MqttServer server)
    {
        _server = server;
        if (!_required)
        {
            logger.LogWarning("SECURITY OFF: Security:DeviceAuth is 'open': ANY client may connect to the broker and publish as ANY device. Use only for local experiments.");
            return;
        }

        server.ValidatingConnectionAsync += ValidateConnectionAsync;
        server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
    }

    public void Detach(MqttServer server)
    {
        server.ValidatingConnectionAsync -= ValidateConnectionAsync;
        server.InterceptingSubscriptionAsync -= InterceptSubscriptionAsync;
    }

    /// <summary>False when the publish was refused (the PUBACK then carries NotAuthorized); the caller must drop it.</summary>
    public bool MayPublish(InterceptingPublishEventArgs e)
    {
        if (!_required || e.ClientId == DeviceSessionDelivery.FleetClientId)
        {
            return true;
        }

        var topic = e.ApplicationMessage.Topic;
        var entry = registry.Find(e.ClientId);
        if (entry?.Role == DeviceRoles.Fleet
            ? FleetTopicRules.MayPublish(e.ClientId, entry.Status, topic)
            : DeviceTopicRules.MayPublish(e.ClientId, entry?.Status, topic))
        {
            return true;
        }

        e.ProcessPublish = false;
        e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
        e.Response.ReasonString = "not-authorized";
        counters.PublishRefused();
        logger.LogWarning("Refused publish by {Client} to {Topic}: not its own uplink topic", e.ClientId, topic);
        return false;
    }

    public async Task<bool> DisconnectAsync(string deviceId, CancellationToken cancellationToken)
    {
        if (_server is null)
        {
            return false;
        }

        var connected = (await _server.GetClientsAsync()).Any(c => c.Id == deviceId);
        if (!connected)
        {
            return false;
        }

        await _server.DisconnectClientAsync(deviceId, new MqttServerClientDisconnectOptions
        {
            ReasonCode = MqttDisconnectReasonCode.NotAuthorized,
            ReasonString = "device retired",
        });
        counters.Disconnected();
        logger.LogWarning("Disconnected {Device}: retired", deviceId);
        return true;
    }

    private Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        string? refusal = null;
        if (string.IsNullOrEmpty(e.UserName) || e.ClientId != e.UserName)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            refusal = "client-id-mismatch";
        }
        else if (registry.Authenticate(e.UserName, e.Password) is not { } device)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            refusal = "bad-credentials";
        }
        else if (!device.MayConnect)
        {
            e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            refusal = "retired";
        }
        else
        {
            registry.Connected(device.Id);
            return Task.CompletedTask;
        }

        counters.ConnectRefused(refusal);
        logger.LogWarning("Refused MQTT connection from {Endpoint}: client id '{Client}', user '{User}' ({Reason})",
            e.RemoteEndPoint, e.ClientId, e.UserName, refusal);
        return Task.CompletedTask;
    }

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        var filter = e.TopicFilter.Topic;
        var entry = registry.Find(e.ClientId);
        if (entry?.Role == DeviceRoles.Fleet
            ? FleetTopicRules.MaySubscribe(e.ClientId, entry.Status, filter)
            : DeviceTopicRules.MaySubscribe(e.ClientId, entry?.Status, filter))
        {
            return Task.CompletedTask;
        }

        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        counters.SubscribeRefused();
        logger.LogWarning("Refused subscription of {Client} to {Filter}", e.ClientId, filter);
        return Task.CompletedTask;
    }
}
