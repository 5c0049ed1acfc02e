using System.Buffers;
using System.Text.Json;
using Edge.Device.Outbox;
using Edge.Wire;

namespace Edge.Device.Uplink;

/// <summary>
/// Applies the fleet's application acks (<c>edge/v1/{device}/ack</c>) to the outbox: only these free events,
/// never the broker's PUBACK, which says nothing about the fleet's durable store.
/// </summary>
public sealed class AckTracker(OutboxStore outbox, ILogger<AckTracker> logger)
{
    private long _rejected;

    public long RejectedAcks => Interlocked.Read(ref _rejected);

    public async Task HandleAsync(ReadOnlySequence<byte> payload)
    {
        Ack? ack;
        try
        {
            var reader = new Utf8JsonReader(payload);
            ack = JsonSerializer.Deserialize(ref reader, WireJson.Default.Ack);
        }
        catch (JsonException ex)
        {
            Interlocked.Increment(ref _rejected);
            logger.LogWarning("Ignored a malformed ack: {Error}", ex.Message);
            return;
        }

        if (ack is null || ack.UpTo < 0)
        {
            Interlocked.Increment(ref _rejected);
            logger.LogWarning("Ignored an ack without a valid upTo");
            return;
        }

        try
        {
            await outbox.AcknowledgeAsync(ack.UpTo);
        }
        catch (IOException ex)
        {
            // The outbox is closed after a disk fault: the fleet sends its ack again at the next connection.
            logger.LogWarning("Could not apply the fleet's ack {UpTo}: {Error}", ack.UpTo, ex.Message);
        }
    }
}
