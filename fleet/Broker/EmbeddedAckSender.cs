using Edge.Fleet.Ingest;
using Edge.Wire;
using MQTTnet.Server;

namespace Edge.Fleet.Broker;

/// <summary>Publishes acks from inside the embedded broker (see <see cref="AckMessage"/>).</summary>
public sealed class EmbeddedAckSender(MqttServer server) : IAckSender
{
    /// <summary>Sender id the broker reports for messages the fleet itself publishes.</summary>
    public const string FleetClientId = "edge-fleet";

    public Task SendAsync(string deviceId, Ack ack, CancellationToken cancellationToken) =>
        server.InjectApplicationMessage(
            new InjectedMqttApplicationMessage(AckMessage.Create(deviceId, ack)) { SenderClientId = FleetClientId },
            cancellationToken);
}
