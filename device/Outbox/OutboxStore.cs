using System.Collections.Concurrent;
using Edge.Device.Configuration;
using Edge.Storage;
using Edge.Wire;
using LiteDB;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Device.Outbox;

/// <summary>
/// The device's event buffer on a LiteDB file. Every event is numbered and on disk before <see cref="AppendAsync"/>
/// returns; a row leaves only when the fleet acknowledges it (<see cref="AcknowledgeAsync"/>). Ordering is by seq,
/// never by wall-clock time. All writes happen on one thread (LiteDB transactions are thread-bound), which also
/// groups concurrent appends into one durable commit; reads may come from any thread.
/// Faults (see README.md): a damaged file is quarantined and replaced, a failed write closes the file and reopens it
/// with backoff; neither throws out of the constructor, so the host and its local endpoint stay up.
/// </summary>
public sealed partial class OutboxStore : IDisposable
{
    private const string EventsCollection = "events";
    private const string MetaCollection = "meta";
    private const string SalvagedCollection = "salvaged";
    private const string StateId = "state";

    /// <summary>
    /// Set in the state row by every version that keeps the journal (in every state write, and at the first open after
    /// an upgrade, before the journal opens): a state row without it
    /// was left by a version before the journal, which committed every press into LiteDB, so its missing journal is
    /// an upgrade, not a loss.
    /// </summary>
    private const string JournalEraField = "journal";

    private readonly ILogger<OutboxStore> _logger;
    private readonly OutboxOptions _options;
    private readonly string _path;
    private readonly IOutboxFileOpener _opener;
    private readonly StorageFaults _faults;
    private readonly SeqHighWater _highWater;
    private readonly BlockingCollection<OutboxCommand> _commands = new();
    private readonly Thread _writer;
    private readonly DrainRate _drainRate = new();
    private readonly ChangeSignal _changed = new();
    private readonly string _journalPath;

    // Events durable in the journal only (not yet moved into LiteDB), in seq order, all above LiteDB's; guarded by
    // _journalLock, which a move into LiteDB holds from its commit until they leave this list (so a reader sees each
    // event in one place or the other, never in neither).
    private readonly List<JournalEvent> _journaled = [];
    private readonly Lock _journalLock = new();

    // Seq and length of every row in LiteDB: what an ack frees, counted without reading it back. Writer thread only.
    private readonly EventRowSizes _rows = new();

    // The open file; null while it is closed after a fault. Replaced only by the writer thread.
    private volatile OpenOutbox? _file;

    // Owned by the writer thread; read elsewhere through Interlocked/Volatile.
    private long _nextSeq;
    private long _lastAcked;
    private long _depth;
    private long _bytes;
    private long _dropped;
    private long _oldestEnqueuedTicks;
    private long _salvaged;
    private volatile bool _awaitingFleetSeq;
    private long _unappliedAck = -1;

    // The latest ack not yet in the journal: written with the next append (no fsync of its own), or at a stop.
    private long _pendingJournalAck = -1;
    private long _journalTornBytes;
    private long _journalDamagedRecords;

    // Why the outbox is fresh and the highest seq its lost file may have used; kept while awaiting the fleet's numbering.
    private FreshStart _fresh = new([], null, 0);

    public OutboxStore(IOptions<DeviceOptions> device, IOptions<OutboxOptions> options, ILogger<OutboxStore> logger)
        : this(device, options, new StorageFaults(NullLogger<StorageFaults>.Instance), new LiteOutboxFileOpener(), logger)
    {
    }

    public OutboxStore(
        IOptions<DeviceOptions> device,
        IOptions<OutboxOptions> options,
        StorageFaults faults,
        IOutboxFileOpener opener,
        ILogger<OutboxStore> logger)
    {
        _logger = logger;
        _options = options.Value;
        _faults = faults;
        _opener = opener;
        _path = Path.Combine(device.Value.ResolvedDataDir, "outbox.db");
        _journalPath = OutboxJournal.FileOf(_path);
        _highWater = new SeqHighWater(Path.Combine(device.Value.ResolvedDataDir, "outbox.seq"), logger);
        _reopen = new ReopenBackoff(_options.ReopenMin, _options.ReopenMax);
        try
        {
            TryOpen();
        }
        catch (Exception ex)
        {
            // Never a crash loop: the host stays up with the outbox closed and the alarm raised; the writer retries.
            _file = null;
            _reopen.Failed();
            _faults.Raise(StorageFaultNames.StorageCorrupt, $"the outbox could not be opened or replaced: {ex.GetType().Name}: {ex.Message}");
            _logger.LogCritical(ex, "Outbox {Path} could not be opened", _path);
        }
        _writer = new Thread(RunWriter) { IsBackground = true, Name = "outbox-writer" };
        _writer.Start();
    }

    /// <summary>Signalled whenever new events are durable in the outbox, or acknowledged events were freed.</summary>
    public ChangeSignal Changed => _changed;

    public string FilePath => _path;

    public StorageFaults Faults => _faults;

    /// <summary>Bytes of torn journal tails cut off at opens (a write a power cut caught before its fsync).</summary>
    public long JournalTornBytes => Interlocked.Read(ref _journalTornBytes);

    /// <summary>Damaged journal records found in the middle at opens (the journal was then quarantined).</summary>
    public long JournalDamagedRecords => Interlocked.Read(ref _journalDamagedRecords);

    /// <summary>Events held in the journal only, not yet moved into LiteDB.</summary>
    public int JournalOnlyEvents
    {
        get
        {
            lock (_journalLock)
            {
                return _journaled.Count;
            }
        }
    }

    /// <summary>fsyncs of the journal since the file was last opened (for benchmarks).</summary>
    public long JournalSyncs => _file?.Journal?.Syncs ?? 0;

    /// <summary>
    /// Numbers the events (in order), writes them durably, and returns their seqs once they are on disk.
    /// Each draft's <see cref="DeviceEvent.Seq"/> is ignored and replaced. While <see cref="AwaitingFleetSeq"/>, the
    /// seqs are provisional: the fleet's first ack renumbers the events after what it already has.
    /// Throws <see cref="OutboxWriteException"/> when they could not be stored (it says whether they were).
    /// </summary>
    public Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<DeviceEvent> drafts, CancellationToken cancellationToken = default)
    {
        var command = new AppendCommand(drafts);
        Enqueue(command);
        return command.Done.Task.WaitAsync(cancellationToken);
    }

    public async Task<long> AppendAsync(DeviceEvent draft, CancellationToken cancellationToken = default) =>
        (await AppendAsync([draft], cancellationToken))[0];

    /// <summary>
    /// Frees every event with seq ≤ <paramref name="upTo"/>: the fleet has stored them durably. While
    /// <see cref="AwaitingFleetSeq"/>, frees nothing: numbers the outbox's events after <paramref name="upTo"/> instead.
    /// </summary>
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
        if (_file is not { } file)
        {
            return result;
        }

        var bytes = 0;
        var full = false;
        try
        {
            lock (_journalLock)
            {
                foreach (var doc in file.Events.Find(Query.GT("_id", afterSeq), limit: maxEvents))
                {
                    var json = doc["json"].AsString;
                    if (result.Count > 0 && bytes + json.Length > maxBytes)
                    {
                        full = true;
                        break;
                    }

                    bytes += json.Length;
                    result.Add(new PendingEvent(doc["_id"].AsInt64, json));
                }

                // The journal's events come after LiteDB's.
                var after = result.Count > 0 ? result[^1].Seq : afterSeq;
                for (var i = FirstJournaledAfter(after); !full && i < _journaled.Count && result.Count < maxEvents; i++)
                {
                    var json = _journaled[i].Json;
                    if (result.Count > 0 && bytes + json.Length > maxBytes)
                    {
                        break;
                    }

                    bytes += json.Length;
                    result.Add(new PendingEvent(_journaled[i].Seq, json));
                }
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex) || ex is ObjectDisposedException)
        {
            // The writer closes the file after a fault; the drainer reads again once it is back.
            _logger.LogDebug("Outbox read failed: {Error}", ex.Message);
            return [];
        }

        return result;
    }

    public long LastAckedSeq => Volatile.Read(ref _lastAcked);

    /// <summary>False once the writer thread has died: nothing could be stored any more.</summary>
    public bool WriterAlive => _writer.IsAlive;

    public long Depth => Volatile.Read(ref _depth);

    /// <summary>
    /// True while the outbox is fresh (first start, or its file was lost or quarantined) and the fleet has not yet said
    /// which seqs it has: events are stored but not sent, because their numbers are not final.
    /// </summary>
    public bool AwaitingFleetSeq => _awaitingFleetSeq;

    /// <summary>False while the file is closed after a write fault (reopened with backoff).</summary>
    public bool Available => _file is not null;

    /// <summary>From memory only: never touches the file, so a status or heartbeat cannot fail on a broken disk.</summary>
    public OutboxSnapshot Snapshot()
    {
        var oldest = Volatile.Read(ref _oldestEnqueuedTicks);
        var age = oldest == 0 || Volatile.Read(ref _depth) == 0
            ? 0
            : Math.Max(0, (DateTime.UtcNow - new DateTime(oldest, DateTimeKind.Utc)).TotalSeconds);
        return new OutboxSnapshot(
            Depth: Volatile.Read(ref _depth),
            Bytes: Volatile.Read(ref _bytes),
            NextSeq: Volatile.Read(ref _nextSeq),
            LastAckedSeq: Volatile.Read(ref _lastAcked),
            OldestUnackedAgeS: Math.Round(age, 1),
            DroppedEvents: Volatile.Read(ref _dropped),
            DrainRatePerS: Math.Round(_drainRate.PerSecond(), 1),
            FileBytes: FileBytes(),
            AwaitingFleetSeq: _awaitingFleetSeq,
            Available: _file is not null,
            SalvagedEvents: Volatile.Read(ref _salvaged));
    }

    /// <summary>Bytes the outbox occupies on disk (data file, log and journal).</summary>
    public long FileBytes()
    {
        return SizeOf(_path) + SizeOf(LiteFile.LogFileOf(_path)) + SizeOf(_journalPath);

        static long SizeOf(string file)
        {
            try
            {
                return File.Exists(file) ? new FileInfo(file).Length : 0;
            }
            catch (IOException)
            {
                return 0;
            }
        }
    }

    public void Dispose()
    {
        _commands.CompleteAdding();
        _writer.Join(TimeSpan.FromSeconds(30));
        StopCleanly();
        _file?.Dispose();
        _file = null;
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

    private void RunWriter()
    {
        while (!_commands.IsCompleted)
        {
            OutboxCommand? first;
            try
            {
                // While the file is closed after a fault, wake up now and then to reopen it even if nothing is written.
                if (!_commands.TryTake(out first, _file is null ? _reopen.Current : Timeout.InfiniteTimeSpan))
                {
                    Guarded(() => ReopenIfDue(), []);
                    continue;
                }
            }
            catch (InvalidOperationException)
            {
                break;
            }

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
                    Guarded(() => WriteAppends(appends), appends);
                    appends.Clear();
                    Guarded(() => Execute(command), [command]);
                }

                if (appends.Count >= 1000 || !_commands.TryTake(out command!))
                {
                    break;
                }
            }

            Guarded(() => WriteAppends(appends), appends);
        }
    }

    /// <summary>Last resort for the writer thread: an unexpected failure fails the command, never the thread.</summary>
    private void Guarded(Action write, IEnumerable<OutboxCommand> commands)
    {
        try
        {
            write();
        }
        catch (Exception ex)
        {
            _logger.LogCritical(ex, "Outbox writer failed unexpectedly; closing the file to reopen it");
            CloseAfterFault(ex);
            foreach (var command in commands)
            {
                command.Fail(new OutboxWriteException($"not stored: the outbox failed ({ex.Message})", stored: null, ex));
            }
        }
    }

    private void Execute(OutboxCommand command)
    {
        if (!ReopenIfDue())
        {
            KeepUnapplied(command);
            command.Fail(Unavailable(stored: null));
            return;
        }

        try
        {
            switch (command)
            {
                case AckCommand ack:
                    Acknowledge(_file!, ack.UpTo);
                    break;
            }

            command.Complete();
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            _logger.LogError(ex, "Outbox command {Command} failed", command.GetType().Name);
            CloseAfterFault(ex);
            KeepUnapplied(command);
            command.Fail(ex);
        }
    }

    /// <summary>
    /// An ack that could not be applied (file closed) is applied once the file reopens: the fleet sends its current
    /// ack only when the device comes online, and a fresh outbox sends nothing until it has one.
    /// </summary>
    private void KeepUnapplied(OutboxCommand command)
    {
        if (command is AckCommand ack && ack.UpTo > _unappliedAck)
        {
            _unappliedAck = ack.UpTo;
        }
    }

    private void ApplyKeptAck()
    {
        if (_unappliedAck >= 0)
        {
            Enqueue(new AckCommand(_unappliedAck));
            _unappliedAck = -1;
        }
    }

    private OutboxWriteException Unavailable(bool? stored) =>
        new($"the outbox cannot write: {_faults.Detail(StorageFaultNames.Disk) ?? "its file is closed"}", stored);

    /// <summary>An I/O failure of the file (disk full, read-only, gone), as opposed to a damaged file.</summary>
    /// After an I/O error LiteDB closes its engine itself, so the next call may throw ObjectDisposedException instead.
    private static bool IsStorageFailure(Exception ex) =>
        ex is IOException or UnauthorizedAccessException or LiteException or ObjectDisposedException || ex.InnerException is IOException;

    /// <summary>The state row; while awaiting the fleet's numbering it keeps why the outbox is fresh and its floor.</summary>
    private BsonDocument StateDocument(long nextSeq, long dropped, bool awaiting)
    {
        var state = new BsonDocument
        {
            ["_id"] = StateId,
            ["nextSeq"] = nextSeq,
            ["dropped"] = dropped,
            ["awaitingFleetSeq"] = awaiting,
            [JournalEraField] = true,
        };
        if (awaiting)
        {
            state["floor"] = _fresh.Floor;
            if (_fresh.Reason is not null)
            {
                state["reason"] = _fresh.Reason;
            }
        }

        return state;
    }

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

    /// <summary>
    /// A graceful stop: the last ack goes into the journal (so a restart does not resend what the fleet has), and an
    /// empty outbox sets the seq mark exactly (so a file lost while stopped leaves no uncertain seqs).
    /// </summary>
    private void StopCleanly()
    {
        if (_file is not { } file || _writer.IsAlive)
        {
            return;
        }

        try
        {
            JournalRecord[] ack = [OutboxJournal.AckRecord(_pendingJournalAck)];
            if (file.Journal is { } journal && _pendingJournalAck >= 0 && journal.Fits(ack))
            {
                journal.Append(ack, durable: true);
                _pendingJournalAck = -1;
            }

            if (!_awaitingFleetSeq && Volatile.Read(ref _depth) == 0)
            {
                _highWater.SetExact(Volatile.Read(ref _nextSeq) - 1);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            _logger.LogWarning("Outbox could not record its last ack at stop (the fleet ignores the resend): {Error}", ex.Message);
        }
    }

    /// <summary>Index of the first journal-only event above <paramref name="seq"/> (the list is in seq order).</summary>
    private int FirstJournaledAfter(long seq)
    {
        int lo = 0, hi = _journaled.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_journaled[mid].Seq <= seq)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>An open outbox file, its collections and its journal.</summary>
    private sealed class OpenOutbox(LiteDatabase db) : IDisposable
    {
        public LiteDatabase Db { get; } = db;

        public ILiteCollection<BsonDocument> Events { get; } = db.GetCollection(EventsCollection);

        public ILiteCollection<BsonDocument> Meta { get; } = db.GetCollection(MetaCollection);

        public ILiteCollection<BsonDocument> Salvaged { get; } = db.GetCollection(SalvagedCollection);

        /// <summary>The journal in front of the file (used once the numbering is final).</summary>
        public OutboxJournal? Journal { get; set; }

        public void Dispose()
        {
            Journal?.Dispose();
            Storage.LiteFile.DisposeAfterFault(Db);
        }
    }
}
