using Edge.Wire;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Server;

namespace Edge.Fleet.Broker;

/// <summary>
/// Delivers what the fleet sends one device through the embedded broker (its acks, configuration, commands, update
/// offers, call replies, its centre's LAN information): handed straight to the device's own session when it is
/// subscribed to the topic (<see cref="SessionSubscriptions"/>), with the QoS its subscription was granted. Published
/// into MQTTnet instead, each message was matched against every connected session's subscriptions after a copy of the
/// session list: O(devices) per message. That was a third of the fleet's CPU in a reconnect storm of 10,000 devices
/// for acks, and with device authentication on, 14% for the <c>lan</c> message each device gets when it comes online
/// (issue 14). With authentication on, the device's session is the only one that may subscribe to its downlink
/// topics (client id = device id, <see cref="DeviceTopicRules"/>), so it is the only one that could have received
/// the message; a device without a session, or not (yet) subscribed, gets nothing, as a routed publish gave it nothing.
/// With <c>Security:DeviceAuth=open</c> any client may listen under any id: what the session named after the device is
/// not subscribed to is published and matched as before, and so is a message on any other topic.
/// </summary>
public sealed class DeviceSessionDelivery(MqttServer server, IOptions<DeviceAuthOptions> auth)
{
    /// <summary>Sender id the broker reports for messages the fleet itself publishes.</summary>
    public const string FleetClientId = "edge-fleet";

    private readonly bool _clientIsDevice = auth.Value.DevicesMustAuthenticate;

    /// <summary>Delivers <paramref name="message"/> (not retained: <see cref="RetainedDownlinks"/> keeps what later subscribers get).</summary>
    public async Task DeliverAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var deviceId = DeviceOf(message.Topic);
        if (deviceId is not null && await SessionAsync(deviceId) is { } session && SessionSubscriptions.Granted(session, message.Topic) is { } granted)
        {
            if (granted < message.QualityOfServiceLevel)
            {
                message.QualityOfServiceLevel = granted;
            }

            // Queued behind what the session already has, with the session's next packet id (QoS 1); a full queue drops
            // it as it drops a routed publish (MaxPendingMessagesPerClient): the device's next connection brings it again.
            session.TryEnqueueApplicationMessage(message, out _);
        }
        else if (!_clientIsDevice || deviceId is null)
        {
            // Authentication open (another client may listen under any id), or not a device's topic: published and
            // matched as before. With authentication on, nobody else may receive a device's downlink.
            await server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = FleetClientId }, cancellationToken);
        }
    }

    /// <summary>The device a downlink topic <c>edge/v1/{device}/...</c> belongs to; null for any other topic, or a filter naming no one device.</summary>
    public static string? DeviceOf(string topic)
    {
        const string prefix = Topics.Root + "/";
        var end = topic.StartsWith(prefix, StringComparison.Ordinal) ? topic.IndexOf('/', prefix.Length) : -1;
        if (end <= prefix.Length)
        {
            return null;
        }

        var id = topic[prefix.Length..end];
        return DeviceId.IsValid(id) ? id : null;
    }

    private async Task<MqttSessionStatus?> SessionAsync(string deviceId)
    {
        try
        {
            return await server.GetSessionAsync(deviceId);
        }
        catch (InvalidOperationException)
        {
            // MQTTnet's answer for "no such session" (and for a server that is not running).
            return null;
        }
    }
}
