using Edge.Fleet.Ingest;
using Edge.Wire;
using MQTTnet;

namespace Edge.Fleet.Broker.External;

/// <summary>
/// Publishes acks through this node's connection to the external broker: QoS 1, retained, so that a device that
/// reconnects later still finds its latest ack. Two nodes may ack one device; both read the ack from the shared
/// store, so each is true, and an older one arriving last only makes the device resend what is already stored.
/// </summary>
public sealed class ExternalAckSender(IMqttClient client) : IAckSender
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    public async Task SendAsync(string deviceId, Ack ack, CancellationToken cancellationToken)
    {
        var message = AckMessage.Create(deviceId, ack);

        // PublishAsync waits for the PUBACK but ignores the client's timeout option: give it a deadline.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(PublishTimeout);
        MqttClientPublishResult result;
        try
        {
            result = await client.PublishAsync(message, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Our own deadline, not the node stopping: a slow broker is a failed ack, never the end of the writer loop.
            throw new TimeoutException($"The broker did not acknowledge the ack to {deviceId} within {PublishTimeout.TotalSeconds:0} s");
        }

        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"The broker refused the ack to {deviceId}: {result.ReasonCode} {result.ReasonString}");
        }
    }
}
