using System.Collections.Concurrent;
using JsonSerializer = System.Text.Json.JsonSerializer;
using Edge.Device.Configuration;
using Edge.Storage;
using Edge.Wire;
using LiteDB;
using Microsoft.Extensions.Options;

namespace Edge.Device.Outbox;

/// <summary>
/// The device's event buffer on a LiteDB file. Every event is numbered and on disk before <see cref="AppendAsync"/>
/// returns; a row leaves only when the fleet acknowledges it (<see cref="AcknowledgeAsync"/>). Ordering is by seq,
/// never by wall-clock time. All writes happen on one thread (LiteDB transactions are thread-bound), which also
/// groups concurrent appends into one durable commit; reads may come from any thread.
/// </summary>
public sealed class OutboxStore : IDisposable
{
    private const string EventsCollection = "events";
    private const string MetaCollection = "meta";
    private const string StateId = "state";

    private readonly ILogger<OutboxStore> _logger;
    private readonly OutboxOptions _options;
    private readonly string _path;
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _events;
    private readonly ILiteCollection<BsonDocument> _meta;
    private readonly BlockingCollection<OutboxCommand> _commands = new();
    private readonly Thread _writer;
    private readonly DrainRate _drainRate = new();
    private readonly ChangeSignal _changed = new();

    // Owned by the writer thread; read elsewhere through Interlocked/Volatile.
    private long _nextSeq;
    private long _lastAcked;
    private long _depth;
    private long _bytes;
    private long _dropped;

    public OutboxStore(IOptions<DeviceOptions> device, IOptions<OutboxOptions> options, ILogger<OutboxStore> logger)
    {
        _logger = logger;
        _options = options.Value;
        _path = Path.Combine(device.Value.ResolvedDataDir, "outbox.db");
        _db = LiteFile.Open(_path, EventsCollection, MetaCollection);
        _events = _db.GetCollection(EventsCollection);
        _events.EnsureIndex("droppable");
        _meta = _db.GetCollection(MetaCollection);
        LoadState();
        _writer = new Thread(RunWriter) { IsBackground = true, Name = "outbox-writer" };
        _writer.Start();
    }

    /// <summary>Signalled whenever new events are durable in the outbox, or acknowledged events were freed.</summary>
    public ChangeSignal Changed => _changed;

    public string FilePath => _path;

    /// <summary>
    /// Numbers the events (in order), writes them durably, and returns their seqs once they are on disk.
    /// Each draft's <see cref="DeviceEvent.Seq"/> is ignored and replaced.
    /// </summary>
    public Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<DeviceEvent> drafts, CancellationToken cancellationToken = default)
    {
        var command = new AppendCommand(drafts);
        Enqueue(command);
        return command.Done.Task.WaitAsync(cancellationToken);
    }

    public async Task<long> AppendAsync(DeviceEvent draft, CancellationToken cancellationToken = default) =>
        (await AppendAsync([draft], cancellationToken))[0];

    /// <summary>Frees every event with seq ≤ <paramref name="upTo"/>: the fleet has stored them durably.</summary>
    public Task AcknowledgeAsync(long upTo)
    {
        var command = new AckCommand(upTo);
        Enqueue(command);
        return command.Done.Task;
    }

    /// <summary>Events with seq greater than <paramref name="afterSeq"/>, in seq order, within both limits (at least one).</summary>
    public IReadOnlyList<PendingEvent> ReadAfter(long afterSeq, int maxEvents, int maxBytes)
    {
        var result = new List<PendingEvent>();
        var bytes = 0;
        foreach (var doc in _events.Find(Query.GT("_id", afterSeq), limit: maxEvents))
        {
            var json = doc["json"].AsString;
            if (result.Count > 0 && bytes + json.Length > maxBytes)
            {
                break;
            }

            bytes += json.Length;
            result.Add(new PendingEvent(doc["_id"].AsInt64, json));
        }

        return result;
    }

    public long LastAckedSeq => Volatile.Read(ref _lastAcked);

    /// <summary>False once the writer thread has died: nothing could be stored any more.</summary>
    public bool WriterAlive => _writer.IsAlive;

    public long Depth => Volatile.Read(ref _depth);

    public OutboxSnapshot Snapshot()
    {
        var oldest = _events.FindOne(Query.All("_id", Query.Ascending));
        var age = oldest is null
            ? 0
            : Math.Max(0, (DateTime.UtcNow - oldest["enqueued"].AsDateTime.ToUniversalTime()).TotalSeconds);
        return new OutboxSnapshot(
            Depth: Volatile.Read(ref _depth),
            Bytes: Volatile.Read(ref _bytes),
            NextSeq: Volatile.Read(ref _nextSeq),
            LastAckedSeq: Volatile.Read(ref _lastAcked),
            OldestUnackedAgeS: Math.Round(age, 1),
            DroppedEvents: Volatile.Read(ref _dropped),
            DrainRatePerS: Math.Round(_drainRate.PerSecond(), 1),
            FileBytes: FileBytes());
    }

    /// <summary>Bytes the outbox occupies on disk (data file and log).</summary>
    public long FileBytes()
    {
        var log = Path.Combine(Path.GetDirectoryName(_path)!, Path.GetFileNameWithoutExtension(_path) + "-log" + Path.GetExtension(_path));
        return SizeOf(_path) + SizeOf(log);

        static long SizeOf(string file) => File.Exists(file) ? new FileInfo(file).Length : 0;
    }

    public void Dispose()
    {
        _commands.CompleteAdding();
        _writer.Join(TimeSpan.FromSeconds(30));
        _db.Dispose();
        _commands.Dispose();
    }

    private void Enqueue(OutboxCommand command)
    {
        try
        {
            _commands.Add(command);
        }
        catch (InvalidOperationException)
        {
            command.Fail(new ObjectDisposedException(nameof(OutboxStore)));
        }
    }

    private void LoadState()
    {
        var state = _meta.FindById(StateId);
        var maxRow = _events.FindOne(Query.All("_id", Query.Descending));
        var minRow = _events.FindOne(Query.All("_id", Query.Ascending));
        var metaNext = state?["nextSeq"].AsInt64 ?? 1;
        _nextSeq = Math.Max(metaNext, (maxRow?["_id"].AsInt64 ?? 0) + 1);
        _lastAcked = minRow is null ? _nextSeq - 1 : minRow["_id"].AsInt64 - 1;
        _dropped = state?["dropped"].AsInt64 ?? 0;
        _depth = _events.Count();
        _bytes = _events.FindAll().Sum(d => (long)d["json"].AsString.Length);
        _logger.LogInformation(
            "Outbox {Path}: {Depth} unacknowledged events ({Bytes} bytes), next seq {Next}", _path, _depth, _bytes, _nextSeq);
    }

    private void RunWriter()
    {
        foreach (var first in _commands.GetConsumingEnumerable())
        {
            var appends = new List<AppendCommand>();
            var command = first;
            while (true)
            {
                if (command is AppendCommand append)
                {
                    appends.Add(append);
                }
                else
                {
                    WriteAppends(appends);
                    appends.Clear();
                    Execute(command);
                }

                if (appends.Count >= 1000 || !_commands.TryTake(out command!))
                {
                    break;
                }
            }

            WriteAppends(appends);
        }
    }

    private void WriteAppends(List<AppendCommand> appends)
    {
        if (appends.Count == 0)
        {
            return;
        }

        try
        {
            var seqs = LiteFile.CommitDurably(_db, () => InsertNumbered(appends));
            for (var i = 0; i < appends.Count; i++)
            {
                appends[i].Done.TrySetResult(seqs[i]);
            }

            _changed.Signal();
        }
        catch (Exception ex) when (ex is LiteException or IOException or UnauthorizedAccessException)
        {
            _logger.LogError(ex, "Outbox write failed; {Count} events were NOT stored", appends.Sum(a => a.Drafts.Count));
            foreach (var append in appends)
            {
                append.Done.TrySetException(ex);
            }
        }
    }

    private List<IReadOnlyList<long>> InsertNumbered(List<AppendCommand> appends)
    {
        var next = _nextSeq;
        var rows = new List<BsonDocument>();
        var seqs = new List<IReadOnlyList<long>>(appends.Count);
        var now = DateTime.UtcNow;
        long newBytes = 0;
        foreach (var append in appends)
        {
            var assigned = new long[append.Drafts.Count];
            for (var i = 0; i < assigned.Length; i++)
            {
                var evt = append.Drafts[i] with { Seq = next };
                var json = JsonSerializer.Serialize(evt, WireJson.Default.DeviceEvent);
                rows.Add(new BsonDocument
                {
                    ["_id"] = next,
                    ["kind"] = evt.Kind,
                    ["droppable"] = EventKinds.IsDroppable(evt.Kind),
                    ["json"] = json,
                    ["enqueued"] = now,
                });
                newBytes += json.Length;
                assigned[i] = next++;
            }

            seqs.Add(assigned);
        }

        var freed = MakeRoom(newBytes);
        _events.InsertBulk(rows);
        _meta.Upsert(new BsonDocument { ["_id"] = StateId, ["nextSeq"] = next, ["dropped"] = _dropped + freed.Count });

        // Only now, inside the transaction that will commit, publish the new counters.
        Volatile.Write(ref _nextSeq, next);
        Interlocked.Add(ref _depth, rows.Count);
        Interlocked.Add(ref _bytes, newBytes - freed.Bytes);
        Interlocked.Add(ref _dropped, freed.Count);
        return seqs;
    }

    /// <summary>Reduces the oldest droppable events to markers until the new bytes fit under the cap.</summary>
    private (long Count, long Bytes) MakeRoom(long newBytes)
    {
        var excess = Volatile.Read(ref _bytes) + newBytes - _options.MaxBytes;
        if (excess <= 0)
        {
            return (0, 0);
        }

        long count = 0, freed = 0;
        foreach (var doc in _events.Find(Query.EQ("droppable", true)).OrderBy(d => d["_id"].AsInt64).ToList())
        {
            if (freed >= excess)
            {
                break;
            }

            var original = JsonSerializer.Deserialize(doc["json"].AsString, WireJson.Default.DeviceEvent)!;
            var marker = new DeviceEvent
            {
                Seq = original.Seq,
                Kind = EventKinds.Dropped,
                At = original.At,
                UptimeMs = original.UptimeMs,
                Detail = original.Kind,
            };
            var json = JsonSerializer.Serialize(marker, WireJson.Default.DeviceEvent);
            freed += doc["json"].AsString.Length - json.Length;
            doc["json"] = json;
            doc["kind"] = EventKinds.Dropped;
            doc["droppable"] = false;
            _events.Update(doc);
            count++;
        }

        if (count > 0)
        {
            _logger.LogWarning("Outbox over its {Cap}-byte cap: {Count} health samples reduced to dropped markers", _options.MaxBytes, count);
        }
        else
        {
            _logger.LogWarning("Outbox over its {Cap}-byte cap with nothing droppable left: keeping every event", _options.MaxBytes);
        }

        return (count, freed);
    }

    private void Execute(OutboxCommand command)
    {
        try
        {
            switch (command)
            {
                case AckCommand ack:
                    Acknowledge(ack.UpTo);
                    break;
            }

            command.Complete();
        }
        catch (Exception ex) when (ex is LiteException or IOException or UnauthorizedAccessException)
        {
            _logger.LogError(ex, "Outbox command {Command} failed", command.GetType().Name);
            command.Fail(ex);
        }
    }

    private void Acknowledge(long upTo)
    {
        var lastAcked = Volatile.Read(ref _lastAcked);
        if (upTo >= Volatile.Read(ref _nextSeq))
        {
            // The fleet has stored more than this outbox ever numbered: the local file was lost or restored
            // from an old copy. Continue numbering after what the fleet has, so new events are not taken for duplicates.
            _logger.LogWarning("Fleet acknowledged up to {UpTo} but the next local seq is {Next}: renumbering after {UpTo}", upTo, _nextSeq, upTo);
            LiteFile.CommitDurably(_db, () =>
            {
                _meta.Upsert(new BsonDocument { ["_id"] = StateId, ["nextSeq"] = upTo + 1, ["dropped"] = _dropped });
                return true;
            });
            Volatile.Write(ref _nextSeq, upTo + 1);
        }

        if (upTo <= lastAcked)
        {
            return;
        }

        var freedBytes = _events.Find(Query.LTE("_id", upTo)).Sum(d => (long)d["json"].AsString.Length);

        // Not made durable on purpose: if this delete is lost, the events are sent again and the fleet ignores them.
        var deleted = _events.DeleteMany(Query.LTE("_id", upTo));
        Interlocked.Add(ref _depth, -deleted);
        Interlocked.Add(ref _bytes, -freedBytes);
        Volatile.Write(ref _lastAcked, upTo);
        _drainRate.Add(deleted);
        _changed.Signal();

        if (Volatile.Read(ref _depth) == 0 && SizeOfDataFile() > _options.CompactAboveBytes)
        {
            Compact();
        }
    }

    /// <summary>
    /// LiteDB never shrinks a file on delete; a rebuild does. Done only when no event is waiting,
    /// so a failed rebuild can never cost an unacknowledged event (the seq counter also survives in the fleet's ack).
    /// </summary>
    private void Compact()
    {
        var before = FileBytes();
        _db.Checkpoint();
        _db.Rebuild();
        _logger.LogInformation("Outbox compacted from {Before} to {After} bytes", before, FileBytes());
    }

    private long SizeOfDataFile() => File.Exists(_path) ? new FileInfo(_path).Length : 0;

    private abstract class OutboxCommand
    {
        public abstract void Complete();

        public abstract void Fail(Exception ex);
    }

    private sealed class AppendCommand(IReadOnlyList<DeviceEvent> drafts) : OutboxCommand
    {
        public IReadOnlyList<DeviceEvent> Drafts { get; } = drafts;

        public TaskCompletionSource<IReadOnlyList<long>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Complete()
        {
        }

        public override void Fail(Exception ex) => Done.TrySetException(ex);
    }

    private sealed class AckCommand(long upTo) : OutboxCommand
    {
        public long UpTo { get; } = upTo;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Complete() => Done.TrySetResult();

        public override void Fail(Exception ex) => Done.TrySetException(ex);
    }
}
