using System.Buffers;
using Edge.Device.Outbox;
using Edge.DeviceProtocol;
using Edge.Wire;

namespace Edge.Device.Uplink;

/// <summary>
/// Applies the fleet's application acks (<c>edge/v1/{device}/ack</c>) to the outbox: only these free events,
/// never the broker's PUBACK, which says nothing about the fleet's durable store. One of the uplink's downlink handlers,
/// like every other message the fleet sends: the uplink itself knows no feature by name.
/// </summary>
public sealed class AckTracker(OutboxStore outbox, ILogger<AckTracker> logger) : IDownlinkHandler
{
    private long _rejected;

    public long RejectedAcks => Interlocked.Read(ref _rejected);

    public string Filter(string deviceId) => Topics.Ack(deviceId);

    public bool Accepts(string topic, string deviceId) =>
        Topics.TryParse(topic, out var address) && address.DeviceId == deviceId && address.Kind == TopicKind.Ack;

    public async Task HandleAsync(ReadOnlySequence<byte> payload, bool retained, CancellationToken cancellationToken)
    {
        if (!AckPayload.TryRead(payload, out var upTo, out var error))
        {
            Interlocked.Increment(ref _rejected);
            logger.LogWarning("Ignored an ack {Error}", error);
            return;
        }

        try
        {
            await outbox.AcknowledgeAsync(upTo);
        }
        catch (IOException ex)
        {
            // The outbox is closed after a disk fault: the fleet sends its ack again at the next connection.
            logger.LogWarning("Could not apply the fleet's ack {UpTo}: {Error}", upTo, ex.Message);
        }
    }
}
