using Edge.Fleet.Ingest;
using Edge.Wire;
using MQTTnet.Server;

namespace Edge.Fleet.Broker;

/// <summary>
/// Publishes acks from inside the embedded broker (see <see cref="AckMessage"/>), not retained: MQTTnet's server
/// copies and matches every retained message at each SUBSCRIBE, so one retained ack per device made connecting N
/// devices cost O(N²) (issue 14). Nothing is lost without it: a device subscribes to its ack before it announces
/// itself online, and the fleet answers every "online" with the device's current ack from the store
/// (<see cref="DeviceMessageRouter"/>); the retained copy lived in the broker's memory only and never survived a
/// restart anyway.
/// </summary>
public sealed class EmbeddedAckSender(MqttServer server) : IAckSender
{
    /// <summary>Sender id the broker reports for messages the fleet itself publishes.</summary>
    public const string FleetClientId = "edge-fleet";

    public Task SendAsync(string deviceId, Ack ack, CancellationToken cancellationToken) =>
        server.InjectApplicationMessage(
            new InjectedMqttApplicationMessage(AckMessage.Create(deviceId, ack, retain: false)) { SenderClientId = FleetClientId },
            cancellationToken);
}
