using Edge.Fleet.Ingest;
using Edge.Wire;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace Edge.Fleet.Broker;

/// <summary>
/// Hands each ack (see <see cref="AckMessage"/>) straight to the device's own session in the embedded broker: its
/// session id is its client id, which is its device id (<see cref="DeviceAccessControl"/>). Injected as a publish
/// instead, every ack went through the publish interceptor and was matched against every connected session's
/// subscriptions under the broker's session lock: O(devices) per ack, a third of the fleet's CPU in a reconnect storm
/// of 10,000 devices (issue 14). The ack topic has one subscriber by the topic rules (the device itself, no wildcard
/// allowed), so nothing else would have received it anyway; the device's own session gets it only once subscribed
/// (<see cref="OwnAckSubscriptions"/>), as before. With <c>Security:DeviceAuth=open</c> a client's id need not be
/// its device's, so an ack no session of that id subscribed to is published as before.
/// Not retained: MQTTnet's server copies and matches every retained message at each SUBSCRIBE, so one retained ack
/// per device made connecting N devices cost O(N²). Nothing is lost without it: a device subscribes to its ack before
/// it announces itself online, and the fleet answers every "online" with the device's current ack from the store
/// (<see cref="DeviceMessageRouter"/>); an ack for a device without a session (gone, or not yet connected) is dropped,
/// as a publish without subscribers was, and the device gets it when it next announces itself.
/// </summary>
public sealed class EmbeddedAckSender(MqttServer server, IOptions<DeviceAuthOptions> auth) : IAckSender
{
    /// <summary>Sender id the broker reports for messages the fleet itself publishes.</summary>
    public const string FleetClientId = "edge-fleet";

    private readonly bool _clientIsDevice = auth.Value.DevicesMustAuthenticate;

    public async Task SendAsync(string deviceId, Ack ack, CancellationToken cancellationToken)
    {
        var message = AckMessage.Create(deviceId, ack, retain: false);
        if (await SubscribedSessionAsync(deviceId) is { } session)
        {
            // Queued behind what the session already has, with the session's next packet id (QoS 1); a full queue drops
            // it as it would drop a routed publish (MaxPendingMessagesPerClient), and the next batch or status brings another.
            session.TryEnqueueApplicationMessage(message, out _);
        }
        else if (!_clientIsDevice)
        {
            // Device authentication open: any client may listen as any device (under any client id), so the ack is
            // published and matched as before.
            await server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = FleetClientId }, cancellationToken);
        }

        // Otherwise the device has no session, or has not subscribed yet after connecting again: nobody may receive
        // the ack (client id = device id, and only the device may subscribe to it); its "online" status brings it.
    }

    private async Task<MqttSessionStatus?> SubscribedSessionAsync(string deviceId)
    {
        try
        {
            var session = await server.GetSessionAsync(deviceId);
            return OwnAckSubscriptions.IsSubscribed(session) ? session : null;
        }
        catch (InvalidOperationException)
        {
            // MQTTnet's answer for "no such session" (and for a server that is not running).
            return null;
        }
    }
}
