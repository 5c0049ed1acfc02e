using Edge.Fleet.Ingest;
using Edge.Wire;

namespace Edge.Fleet.Broker;

/// <summary>
/// Sends each ack (see <see cref="AckMessage"/>) to the device's own session in the embedded broker
/// (<see cref="DeviceSessionDelivery"/>), once it subscribed to its ack topic.
/// Not retained: MQTTnet's server copies and matches every retained message at each SUBSCRIBE, so one retained ack
/// per device made connecting N devices cost O(N²). Nothing is lost without it: a device subscribes to its ack before
/// it announces itself online, and the fleet answers every "online" with the device's current ack from the store
/// (<see cref="DeviceMessageRouter"/>); an ack for a device without a session (gone, or not yet connected) is dropped,
/// as a publish without subscribers was, and the device gets it when it next announces itself.
/// </summary>
public sealed class EmbeddedAckSender(DeviceSessionDelivery delivery) : IAckSender
{
    public Task SendAsync(string deviceId, Ack ack, CancellationToken cancellationToken) =>
        delivery.DeliverAsync(AckMessage.Create(deviceId, ack, retain: false), cancellationToken);
}
