using System.Buffers;
using System.Collections.Concurrent;
using Edge.Wire;

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

    /// <summary>
    /// How long an embedded-broker PUBACK waits for the store (<see cref="IngestHandOff.WhenQueued"/>): a quick
    /// commit, or a store that fails at once (unavailable), still answers in the PUBACK; a slow one lets the device's
    /// next batch in meanwhile, so that it joins the next group commit.
    /// </summary>
    public static readonly TimeSpan StoreGrace = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Batches of one device queued without holding its connection (<see cref="IngestHandOff.WhenQueued"/>). A device
    /// sends at most its unacked window (5,000 events: 5 batches of 1,000); beyond this its broker connection waits
    /// for each batch to be stored again, so a device that ignores its window holds no more than this in memory.
    /// </summary>
    public const int MaxQueuedBatchesPerDevice = 8;

    private readonly ConcurrentDictionary<string, int> _queuedByDevice = new(StringComparer.Ordinal);

    /// <summary>Reads, gates, vets and stores one payload; returns as <paramref name="handOff"/> says.</summary>
    public async Task<IngestResult> IngestAsync(
        string topicDeviceId, ReadOnlySequence<byte> payload, CancellationToken cancellationToken, IngestHandOff handOff = IngestHandOff.WhenStored)
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

        var stored = StoreThenTellAsync(topicDeviceId, reading.Batch, vetted.Batch);
        if (handOff == IngestHandOff.WhenQueued && TryQueue(topicDeviceId))
        {
            _ = stored.ContinueWith(_ => Dequeue(topicDeviceId), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            var first = await Task.WhenAny(stored, Task.Delay(StoreGrace, cancellationToken));
            if (first != stored && !cancellationToken.IsCancellationRequested)
            {
                // Queued, not yet stored: the broker takes it; the ack follows the durable commit, and a batch that is
                // not stored after all is simply not acknowledged (the device resends after its ack timeout).
                return IngestResult.Stored;
            }
        }

        return await stored.WaitAsync(cancellationToken);
    }

    private async Task<IngestResult> StoreThenTellAsync(string topicDeviceId, EventBatch read, EventBatch vetted)
    {
        var result = await writer.StoreAsync(vetted);
        if (result == IngestResult.Stored)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Stored(topicDeviceId, read);
            }
        }

        return result;
    }

    private bool TryQueue(string deviceId)
    {
        while (true)
        {
            var queued = _queuedByDevice.GetValueOrDefault(deviceId);
            if (queued >= MaxQueuedBatchesPerDevice)
            {
                return false;
            }

            if (queued == 0 ? _queuedByDevice.TryAdd(deviceId, 1) : _queuedByDevice.TryUpdate(deviceId, queued + 1, queued))
            {
                return true;
            }
        }
    }

    private void Dequeue(string deviceId)
    {
        while (true)
        {
            var queued = _queuedByDevice.GetValueOrDefault(deviceId);
            if (queued <= 1 ? _queuedByDevice.TryRemove(new KeyValuePair<string, int>(deviceId, queued)) : _queuedByDevice.TryUpdate(deviceId, queued - 1, queued))
            {
                return;
            }
        }
    }

    /// <summary>Publishes the device's current ack through the writer loop (see <see cref="GroupCommitWriter.RequestAck"/>).</summary>
    public void ResendAck(string deviceId) => writer.RequestAck(deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected events payload from {Device} ({Reason}): {Detail}")]
    private partial void LogRejectedPayload(string device, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} events of {Device} (stored as rejected markers, not counted); first: seq {Seq}, {Reason}")]
    private partial void LogRejectedEvents(string device, int count, long seq, string reason);
}
