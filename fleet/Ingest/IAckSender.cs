using Edge.Wire;

namespace Edge.Fleet.Ingest;

/// <summary>
/// Publishes a device's application ack (retained, QoS 1, on <c>edge/v1/{device}/ack</c>). The embedded broker
/// injects it into its own server; an external-broker node would publish it as an ordinary MQTT client.
/// Ingest only ever calls it after the store has made the acknowledged events durable.
/// </summary>
public interface IAckSender
{
    Task SendAsync(string deviceId, Ack ack, CancellationToken cancellationToken);
}
