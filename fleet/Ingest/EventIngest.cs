using System.Buffers;

namespace Edge.Fleet.Ingest;

/// <summary>
/// Entry point for an events payload, whatever broker it came through: reads and validates it once, refuses what is
/// not a valid batch (logged and counted, never thrown), hands the batch to the features that must take it first
/// (<see cref="IBatchGate"/>), vets each event against the registry and its kind (<see cref="EventVetting"/>), waits
/// until the batch is durably stored, and then tells the features that follow stored batches
/// (<see cref="IStoredBatchSubscriber"/>). The broker knows none of them.
/// </summary>
public sealed partial class EventIngest(
    GroupCommitWriter writer,
    IngestCounts counters,
    IDeviceDirectory directory,
    IEnumerable<IBatchGate> gates,
    IEnumerable<IStoredBatchSubscriber> subscribers,
    ILogger<EventIngest> logger)
{
    private readonly IBatchGate[] _gates = [.. gates];
    private readonly IStoredBatchSubscriber[] _subscribers = [.. subscribers];

    public async Task<IngestResult> IngestAsync(string topicDeviceId, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        var reading = EventBatchReader.Read(topicDeviceId, payload);
        if (reading.Batch is null)
        {
            counters.Rejected(topicDeviceId, reading.Result);
            LogRejectedPayload(topicDeviceId, reading.Result.CounterName(), reading.Detail);
            return reading.Result;
        }

        foreach (var gate in _gates)
        {
            if (!await gate.BeforeStoreAsync(topicDeviceId, reading.Batch, cancellationToken))
            {
                return IngestResult.NotStored;
            }
        }

        var vetted = EventVetting.Vet(reading.Batch, directory.Find(topicDeviceId));
        if (vetted.Rejected.Count > 0)
        {
            counters.RejectedEvents(topicDeviceId, vetted.Rejected);
            var (seq, reason) = vetted.Rejected[0];
            LogRejectedEvents(topicDeviceId, vetted.Rejected.Count, seq, reason);
        }

        var result = await writer.StoreAsync(vetted.Batch).WaitAsync(cancellationToken);
        if (result == IngestResult.Stored)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Stored(topicDeviceId, reading.Batch);
            }
        }

        return result;
    }

    /// <summary>Publishes the device's current ack through the writer loop (see <see cref="GroupCommitWriter.RequestAck"/>).</summary>
    public void ResendAck(string deviceId) => writer.RequestAck(deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected events payload from {Device} ({Reason}): {Detail}")]
    private partial void LogRejectedPayload(string device, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} events of {Device} (stored as rejected markers, not counted); first: seq {Seq}, {Reason}")]
    private partial void LogRejectedEvents(string device, int count, long seq, string reason);
}
