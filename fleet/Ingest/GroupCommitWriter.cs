using System.Diagnostics;
using System.Threading.Channels;
using Edge.Fleet.Store;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Ingest;

/// <summary>
/// The one loop that writes events. Batches from every device queue here; each turn takes everything pending,
/// stores it in one durable append (one fsync for many devices: group commit), releases the publishers, and only
/// then publishes each device's ack. Acks requested on reconnect go through the same loop, so a device's retained
/// ack never moves backwards. One device cannot cost the others their turn: a batch whose seqs are far out of the
/// device's window is refused before the commit, and when a commit of several batches fails for a reason other than
/// the store being unavailable, each batch is tried alone, so only the one that cannot be stored is refused.
/// </summary>
public sealed partial class GroupCommitWriter(
    IEventStore store,
    IAckSender acks,
    IngestCounts counters,
    TimeProvider time,
    IOptions<IngestOptions> options,
    ILogger<GroupCommitWriter> logger) : BackgroundService
{
    /// <summary>Upper bound of one commit, so that one turn cannot hold the publishers of a long queue for long.</summary>
    private const int MaxRequestsPerCommit = 1024;

    /// <summary>Acks of one turn in flight at once (each an MQTT publish; QoS 1 through an external broker).</summary>
    private const int ParallelAcks = 64;

    /// <summary>Stored acks read at once: a few of the store's connections, never the pool the other features need.</summary>
    private const int ParallelReads = 4;

    // Unbounded is safe: a broker connection waits for its batch to be stored before its next one is read, or for the
    // embedded broker, once its device has EventIngest.MaxQueuedBatchesPerDevice queued; so the queue holds a few
    // batches per connected device at most.
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
        var acksInFlight = Task.CompletedTask;
        try
        {
            while (await reader.NextTurnAsync(turn, MaxRequestsPerCommit, stoppingToken))
            {
                var toAck = await RunTurnAsync(turn, stoppingToken);

                // This turn's acks go out while the next turn appends (in a storm they were a tenth of the loop's time);
                // they start only once the previous turn's are all out, so a device's acks still go out in order.
                await acksInFlight;
                acksInFlight = SendAcksAsync(toAck, stoppingToken);
            }

            await acksInFlight;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await ObserveAsync(acksInFlight);
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

    /// <summary>Stores the turn's batches and reads the acks asked for; returns the acks to publish.</summary>
    private async Task<Dictionary<string, long>> RunTurnAsync(List<WriteRequest> turn, CancellationToken cancellationToken)
    {
        var toAck = new Dictionary<string, long>(StringComparer.Ordinal);
        var writes = turn.Where(r => r.Batch is not null).ToList();
        if (writes.Count > 0)
        {
            await AppendAsync(writes, toAck, cancellationToken);
        }

        var asked = turn.Where(r => r.Batch is null && !toAck.ContainsKey(r.DeviceId)).Select(r => r.DeviceId).Distinct().ToList();
        foreach (var (device, upTo) in await ReadAcksAsync(asked, cancellationToken))
        {
            toAck[device] = _knownUpTo[device] = upTo;
        }

        return toAck;
    }

    /// <summary>Waits for the acks still in flight when the loop stops; they end as cancelled then, which is no fault.</summary>
    private static async Task ObserveAsync(Task acksInFlight)
    {
        try
        {
            await acksInFlight;
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// The stored ack of each device, read a few at a time (after a reconnect storm a turn asks for hundreds): a device
    /// whose read fails is left out and gets its ack with its next batch.
    /// </summary>
    private async Task<List<(string Device, long UpTo)>> ReadAcksAsync(List<string> devices, CancellationToken cancellationToken)
    {
        var read = new List<(string, long)>(devices.Count);
        await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken }, async (device, token) =>
        {
            try
            {
                var upTo = await store.GetAckedUpToAsync(device, token);
                lock (read)
                {
                    read.Add((device, upTo));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                LogAckNotRead(ex, device);
            }
        });
        return read;
    }

    /// <summary>
    /// Publishes the turn's acks together rather than one PUBACK round trip after another (an external broker under a
    /// storm answers each in milliseconds to seconds). The next turn's acks start only when all are done, so a device's
    /// acks still go out in order. A failed or timed-out publish is logged and counted, never fatal to the loop: the events
    /// are stored, and the device gets the ack when it sends again.
    /// </summary>
    private async Task SendAcksAsync(Dictionary<string, long> toAck, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(toAck, new ParallelOptions { MaxDegreeOfParallelism = ParallelAcks, CancellationToken = cancellationToken }, async (pair, token) =>
        {
            try
            {
                await acks.SendAsync(pair.Key, new Ack(pair.Value), token);
                counters.AckSent();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                counters.AckNotSent();
                LogAckNotSent(ex, pair.Value, pair.Key);
            }
        });
    }

    private async Task AppendAsync(List<WriteRequest> writes, Dictionary<string, long> toAck, CancellationToken cancellationToken)
    {
        try
        {
            writes = await RefuseOutOfWindowAsync(writes, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            NotStored(writes, ex);
            return;
        }

        if (writes.Count == 0)
        {
            return;
        }

        try
        {
            await CommitAsync(writes, toAck, cancellationToken);
        }
        catch (Exception ex) when (writes.Count > 1 && ex is not StoreUnavailableException and not OperationCanceledException)
        {
            // One batch may be what the store refuses (a value no check foresaw): try each alone, so that it alone is refused.
            LogIsolating(ex, writes.Count);
            foreach (var write in writes)
            {
                try
                {
                    await CommitAsync([write], toAck, cancellationToken);
                }
                catch (Exception one) when (one is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    NotStored([write], one);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            NotStored(writes, ex);
        }
    }

    private async Task CommitAsync(List<WriteRequest> writes, Dictionary<string, long> toAck, CancellationToken cancellationToken)
    {
        var batches = writes.Select(w => w.Batch!).ToList();
        var events = batches.Sum(b => (long)b.Events.Count);
        var duplicates = await CountRedeliveriesAsync(batches, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var upTo = await store.AppendAsync(batches, time.GetUtcNow(), cancellationToken);
        LogStored(batches.Count, events, Stopwatch.GetElapsedTime(started).TotalMilliseconds);

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

    private void NotStored(List<WriteRequest> writes, Exception ex)
    {
        var events = writes.Sum(w => (long)w.Batch!.Events.Count);
        if (ex is StoreUnavailableException)
        {
            // Not a stack trace per turn while the disk is full: the probe logs the outage once (StoreProbe).
            LogStoreUnavailable(writes.Count, events, ex.Message);
        }
        else
        {
            LogNotStored(ex, writes.Count, events);
        }

        counters.NotStored(writes.Count);
        foreach (var write in writes)
        {
            write.Completion.TrySetResult(IngestResult.NotStored);
        }
    }

    /// <summary>Refuses (and completes) the batches with a seq beyond <see cref="IngestOptions.MaxSeqAhead"/> of their device's ack.</summary>
    private async Task<List<WriteRequest>> RefuseOutOfWindowAsync(List<WriteRequest> writes, CancellationToken cancellationToken)
    {
        var kept = new List<WriteRequest>(writes.Count);
        var window = Math.Max(1, options.Value.MaxSeqAhead);
        foreach (var write in writes)
        {
            var batch = write.Batch!;
            var highest = batch.Events.Count == 0 ? 0 : batch.Events.Max(e => e.Seq);
            var upTo = await KnownUpToAsync(batch.DeviceId, cancellationToken);
            if (highest - upTo > window)
            {
                counters.Rejected(batch.DeviceId, IngestResult.SeqOutOfWindow);
                LogOutOfWindow(batch.DeviceId, highest, upTo, window);
                write.Completion.TrySetResult(IngestResult.SeqOutOfWindow);
                continue;
            }

            kept.Add(write);
        }

        return kept;
    }

    private async Task<long> KnownUpToAsync(string deviceId, CancellationToken cancellationToken)
    {
        if (!_knownUpTo.TryGetValue(deviceId, out var upTo))
        {
            upTo = _knownUpTo[deviceId] = await store.GetAckedUpToAsync(deviceId, cancellationToken);
        }

        return upTo;
    }

    // Once per group commit: source-generated, so a disabled Debug level costs a level check and no boxing.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored {Batches} batches ({Events} events) in {Ms:F1} ms")]
    private partial void LogStored(int batches, long events, double ms);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not read the ack of {Device}; it gets one with its next batch")]
    private partial void LogAckNotRead(Exception ex, string device);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish ack {UpTo} to {Device}; the device resends and gets it then")]
    private partial void LogAckNotSent(Exception ex, long upTo, string device);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing {Batches} batches ({Events} events) failed; the devices will resend them")]
    private partial void LogNotStored(Exception ex, int batches, long events);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event store unavailable, {Batches} batches ({Events} events) not stored nor acked: {Reason}")]
    private partial void LogStoreUnavailable(int batches, long events, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A commit of {Batches} batches failed; storing each alone so that only a faulty one is refused")]
    private partial void LogIsolating(Exception ex, int batches);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a batch of {Device}: seq {Seq} is more than {Window} above its ack {UpTo}")]
    private partial void LogOutOfWindow(string device, long seq, long upTo, long window);

    /// <summary>Events at or below the device's known ack, or repeated within this turn: the store will skip them.</summary>
    private async Task<long> CountRedeliveriesAsync(List<EventBatch> batches, CancellationToken cancellationToken)
    {
        long duplicates = 0;
        var seen = new HashSet<(string, long)>();
        foreach (var batch in batches)
        {
            var upTo = await KnownUpToAsync(batch.DeviceId, cancellationToken);
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
