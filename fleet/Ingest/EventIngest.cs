using System.Buffers;

namespace Edge.Fleet.Ingest;

/// <summary>
/// Entry point for an events payload, whatever broker it came through: reads and validates it, refuses what is
/// not a valid batch (logged and counted, never thrown), vets each event against the registry and its kind
/// (<see cref="EventVetting"/>), and waits until the batch is durably stored.
/// </summary>
public sealed partial class EventIngest(GroupCommitWriter writer, IngestCounters counters, IDeviceDirectory directory, ILogger<EventIngest> logger)
{
    public async Task<IngestResult> IngestAsync(string topicDeviceId, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        var reading = EventBatchReader.Read(topicDeviceId, payload);
        if (reading.Batch is null)
        {
            counters.Rejected(topicDeviceId, reading.Result);
            LogRejectedPayload(topicDeviceId, reading.Result.CounterName(), reading.Detail);
            return reading.Result;
        }

        var vetted = EventVetting.Vet(reading.Batch, directory.Find(topicDeviceId));
        if (vetted.Rejected.Count > 0)
        {
            counters.RejectedEvents(topicDeviceId, vetted.Rejected);
            var (seq, reason) = vetted.Rejected[0];
            LogRejectedEvents(topicDeviceId, vetted.Rejected.Count, seq, reason);
        }

        return await writer.StoreAsync(vetted.Batch).WaitAsync(cancellationToken);
    }

    /// <summary>Publishes the device's current ack through the writer loop (see <see cref="GroupCommitWriter.RequestAck"/>).</summary>
    public void ResendAck(string deviceId) => writer.RequestAck(deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected events payload from {Device} ({Reason}): {Detail}")]
    private partial void LogRejectedPayload(string device, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} events of {Device} (stored as rejected markers, not counted); first: seq {Seq}, {Reason}")]
    private partial void LogRejectedEvents(string device, int count, long seq, string reason);
}
