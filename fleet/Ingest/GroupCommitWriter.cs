using System.Diagnostics;
using System.Threading.Channels;
using Edge.Fleet.Store;
using Edge.Wire;

namespace Edge.Fleet.Ingest;

/// <summary>
/// The one loop that writes events. Batches from every device queue here; each turn takes everything pending,
/// stores it in one durable append (one fsync for many devices: group commit), releases the publishers, and only
/// then publishes each device's ack. Acks requested on reconnect go through the same loop, so a device's retained
/// ack never moves backwards.
/// </summary>
public sealed class GroupCommitWriter(
    IEventStore store,
    IAckSender acks,
    IngestCounters counters,
    TimeProvider time,
    ILogger<GroupCommitWriter> logger) : BackgroundService
{
    /// <summary>Upper bound of one commit, so that one turn cannot hold the publishers of a long queue for long.</summary>
    private const int MaxRequestsPerCommit = 1024;

    // Unbounded is safe: a broker client waits for its batch to be stored before sending the next one, so the
    // queue holds at most one batch per connected device.
    private readonly Channel<WriteRequest> _queue = Channel.CreateUnbounded<WriteRequest>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Last ack per device as this loop knows it; touched only by the loop. Used to count redeliveries.</summary>
    private readonly Dictionary<string, long> _knownUpTo = new(StringComparer.Ordinal);

    /// <summary>Queues a validated batch; completes once it is durably stored (or could not be).</summary>
    public Task<IngestResult> StoreAsync(EventBatch batch)
    {
        var request = new WriteRequest(batch.DeviceId, batch);
        return _queue.Writer.TryWrite(request) ? request.Completion.Task : Task.FromResult(IngestResult.NotStored);
    }

    /// <summary>Asks the loop to publish the device's current ack (a device that reconnects frees what was stored meanwhile).</summary>
    public void RequestAck(string deviceId) => _queue.Writer.TryWrite(new WriteRequest(deviceId, null));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var turn = new List<WriteRequest>();
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                turn.Clear();
                while (turn.Count < MaxRequestsPerCommit && reader.TryRead(out var request))
                {
                    turn.Add(request);
                }

                await RunTurnAsync(turn, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _queue.Writer.TryComplete();
            foreach (var cut in turn)
            {
                cut.Completion.TrySetResult(IngestResult.NotStored);
            }

            while (reader.TryRead(out var left))
            {
                left.Completion.TrySetResult(IngestResult.NotStored);
            }
        }
    }

    private async Task RunTurnAsync(List<WriteRequest> turn, CancellationToken cancellationToken)
    {
        var toAck = new Dictionary<string, long>(StringComparer.Ordinal);
        var writes = turn.Where(r => r.Batch is not null).ToList();
        if (writes.Count > 0)
        {
            await AppendAsync(writes, toAck, cancellationToken);
        }

        foreach (var device in turn.Where(r => r.Batch is null).Select(r => r.DeviceId).Distinct())
        {
            if (!toAck.ContainsKey(device))
            {
                try
                {
                    toAck[device] = _knownUpTo[device] = await store.GetAckedUpToAsync(device, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Could not read the ack of {Device}; it gets one with its next batch", device);
                }
            }
        }

        foreach (var (device, upTo) in toAck)
        {
            try
            {
                await acks.SendAsync(device, new Ack(upTo), cancellationToken);
                counters.AckSent();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The events are stored; the device resends and gets the ack then.
                logger.LogWarning(ex, "Could not publish ack {UpTo} to {Device}", upTo, device);
            }
        }
    }

    private async Task AppendAsync(List<WriteRequest> writes, Dictionary<string, long> toAck, CancellationToken cancellationToken)
    {
        var batches = writes.Select(w => w.Batch!).ToList();
        var events = batches.Sum(b => (long)b.Events.Count);
        try
        {
            var duplicates = await CountRedeliveriesAsync(batches, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var upTo = await store.AppendAsync(batches, time.GetUtcNow(), cancellationToken);
            logger.LogDebug("Stored {Batches} batches ({Events} events) in {Ms:F1} ms", batches.Count, events, Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            counters.Committed(batches.Count, events, duplicates);
            foreach (var (device, value) in upTo)
            {
                toAck[device] = _knownUpTo[device] = value;
            }

            foreach (var write in writes)
            {
                write.Completion.TrySetResult(IngestResult.Stored);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Storing {Batches} batches ({Events} events) failed; the devices will resend them", batches.Count, events);
            counters.NotStored(batches.Count);
            foreach (var write in writes)
            {
                write.Completion.TrySetResult(IngestResult.NotStored);
            }
        }
    }

    /// <summary>Events at or below the device's known ack, or repeated within this turn: the store will skip them.</summary>
    private async Task<long> CountRedeliveriesAsync(List<EventBatch> batches, CancellationToken cancellationToken)
    {
        long duplicates = 0;
        var seen = new HashSet<(string, long)>();
        foreach (var batch in batches)
        {
            if (!_knownUpTo.TryGetValue(batch.DeviceId, out var upTo))
            {
                upTo = _knownUpTo[batch.DeviceId] = await store.GetAckedUpToAsync(batch.DeviceId, cancellationToken);
            }

            duplicates += batch.Events.Count(e => e.Seq <= upTo || !seen.Add((batch.DeviceId, e.Seq)));
        }

        return duplicates;
    }

    /// <summary>A batch to store, or (without one) a request to publish the device's current ack.</summary>
    private sealed class WriteRequest(string deviceId, EventBatch? batch)
    {
        public string DeviceId { get; } = deviceId;

        public EventBatch? Batch { get; } = batch;

        public TaskCompletionSource<IngestResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
