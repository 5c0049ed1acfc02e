using System.Buffers;

namespace Edge.Fleet.Ingest;

/// <summary>
/// Entry point for an events payload, whatever broker it came through: reads and validates it, refuses what is
/// not a valid batch (logged and counted, never thrown), and waits until a valid one is durably stored.
/// </summary>
public sealed class EventIngest(GroupCommitWriter writer, IngestCounters counters, ILogger<EventIngest> logger)
{
    public async Task<IngestResult> IngestAsync(string topicDeviceId, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        var reading = EventBatchReader.Read(topicDeviceId, payload);
        if (reading.Batch is null)
        {
            counters.Rejected(reading.Result);
            logger.LogWarning("Rejected events payload from {Device} ({Reason}): {Detail}", topicDeviceId, reading.Result.CounterName(), reading.Detail);
            return reading.Result;
        }

        return await writer.StoreAsync(reading.Batch).WaitAsync(cancellationToken);
    }

    /// <summary>Publishes the device's current ack through the writer loop (see <see cref="GroupCommitWriter.RequestAck"/>).</summary>
    public void ResendAck(string deviceId) => writer.RequestAck(deviceId);
}
