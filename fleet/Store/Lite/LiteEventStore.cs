using Edge.Storage;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Store.Lite;

/// <summary>
/// <see cref="IEventStore"/> on one embedded LiteDB file. Every append is one transaction made durable by
/// <see cref="LiteFile.CommitDurably{T}"/> (commit + checkpoint), so the cost of the fsyncs is paid once per group
/// of batches, not per event. LiteDB binds a transaction to its thread: the whole append runs synchronously under
/// <see cref="_writeLock"/>, never across an await, and concurrent callers take turns.
/// After an I/O error (disk full) LiteDB keeps its engine closed even once space is back: the store then throws
/// <see cref="StoreUnavailableException"/> and reopens the file by itself, with backoff (see <see cref="Use{T}"/>).
/// </summary>
public sealed class LiteEventStore : IEventStore, IDisposable
{
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private readonly string _path;
    private readonly Func<string, LiteDatabase> _open;
    private readonly TimeProvider _time;
    private readonly TimeSpan _firstRetry;
    private readonly Lock _writeLock = new();
    private readonly Lock _sessionLock = new();

    // Under _sessionLock: the open file, or (when null) why not and when to try again.
    private LiteSession? _session;
    private string _failure = "the event store is closed";
    private DateTimeOffset _retryAt;
    private TimeSpan _backoff;
    private bool _disposed;

    /// <summary>The store on <paramref name="path"/>. A file that cannot be opened does not throw here: the store answers
    /// <see cref="StoreUnavailableException"/> and tries again with backoff (a throw at start-up is a crash loop under systemd).</summary>
    public LiteEventStore(string path)
        : this(path, p => LiteFile.Open(p, LiteDocuments.Collections), TimeProvider.System, TimeSpan.FromMilliseconds(500))
    {
    }

    /// <summary>Test seam: how the file is opened (e.g. over a stream that fails like a full disk) and how soon it is retried.</summary>
    internal LiteEventStore(string path, Func<string, LiteDatabase> open, TimeProvider time, TimeSpan firstRetry)
    {
        _path = path;
        _open = open;
        _time = time;
        _firstRetry = _backoff = firstRetry;
        lock (_sessionLock)
        {
            TryOpen();
        }
    }

    /// <summary>Why the store cannot be used now, or null while its file is open.</summary>
    public string? Problem
    {
        get
        {
            lock (_sessionLock)
            {
                return _session is null ? _failure : null;
            }
        }
    }

    public Task<IReadOnlyDictionary<string, long>> AppendAsync(
        IReadOnlyList<EventBatch> batches, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var unique = UniqueEventsByDevice(batches, out var copies);
        IReadOnlyDictionary<string, long> upTo;
        lock (_writeLock)
        {
            upTo = Use(session => unique.Values.Any(events => events.Count > 0)
                ? LiteFile.CommitDurably(session.Db, () => Write(session, unique, copies, receivedAt.UtcDateTime))
                : unique.Keys.ToDictionary(device => device, device => ReadUpTo(session, device), StringComparer.Ordinal));
        }

        return Task.FromResult(upTo);
    }

    public Task<long> GetAckedUpToAsync(string deviceId, CancellationToken cancellationToken) =>
        Task.FromResult(Use(session => ReadUpTo(session, deviceId)));

    public Task<IReadOnlyList<DeviceSequence>> ListSequencesAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<DeviceSequence> sequences = Use(session => session.Sequences.FindAll()
            .Select(LiteDocuments.ToSequence)
            .OrderBy(s => s.DeviceId, StringComparer.Ordinal)
            .ToList());
        return Task.FromResult(sequences);
    }

    public Task<IReadOnlyList<EventConflict>> ListConflictsAsync(string? deviceId, CancellationToken cancellationToken)
    {
        IReadOnlyList<EventConflict> conflicts = Use(session =>
            (deviceId is null ? session.Conflicts.FindAll() : session.Conflicts.Find(Query.EQ("device", deviceId)))
                .Select(LiteDocuments.ToConflict)
                .OrderBy(c => c.DetectedAt)
                .ThenBy(c => c.DeviceId, StringComparer.Ordinal)
                .ThenBy(c => c.Seq)
                .ToList());
        return Task.FromResult(conflicts);
    }

    public Task<RatingCounts> CountRatingsAsync(RatingFilter filter, CancellationToken cancellationToken) =>
        Task.FromResult(Use(session => CountRatings(session, filter)));

    private static RatingCounts CountRatings(LiteSession session, RatingFilter filter)
    {
        var query = session.Ratings.Query().Where("suspect = false");
        if (filter.From is { } from)
        {
            query = query.Where("at >= @0", from.UtcDateTime);
        }

        if (filter.To is { } to)
        {
            query = query.Where("at < @0", to.UtcDateTime);
        }

        if (filter.Counter is not null)
        {
            query = query.Where("counter = @0", filter.Counter);
        }

        if (filter.Field is not null)
        {
            query = query.Where("field = @0", filter.Field);
        }

        if (filter.DeviceId is not null)
        {
            query = query.Where("device = @0", filter.DeviceId);
        }

        var byLevel = new Dictionary<int, long>();
        long satisfied = 0;
        foreach (var rating in query.Select("{ level: $.level, satisfied: $.satisfied }").ToEnumerable())
        {
            var level = rating["level"].AsInt32;
            byLevel[level] = byLevel.GetValueOrDefault(level) + 1;
            if (rating["satisfied"].AsBoolean)
            {
                satisfied++;
            }
        }

        return new RatingCounts(byLevel, satisfied);
    }

    public Task<long> PlaceInTimeAsync(ClockAnchor anchor, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var keys = RatingClock.MovableBy(anchor).Select(clock => LiteDocuments.PendingKey(clock, anchor.DeviceId, anchor.Run)).ToList();
        lock (_writeLock)
        {
            return Task.FromResult(Use(session => PlaceInTime(session, anchor, keys)));
        }
    }

    public void Dispose()
    {
        lock (_sessionLock)
        {
            _disposed = true;
            _failure = "the event store is closed";
            _session?.Dispose();
            _session = null;
        }
    }

    private static long PlaceInTime(LiteSession session, ClockAnchor anchor, List<string> keys)
    {
        // Every heartbeat of a run asks; almost always there is nothing, known without a query (a LiteDB query
        // costs milliseconds, a dictionary lookup does not).
        if (!keys.Any(key => session.PendingByKey.GetValueOrDefault(key) > 0))
        {
            return 0;
        }

        var movable = keys.SelectMany(key => session.ClockPending.Find(Query.EQ(LiteDocuments.PendingKeyField, key))).ToList();
        var after = RatingClock.After(anchor);
        var afterKey = LiteDocuments.PendingKey(after, anchor.DeviceId, anchor.Run);
        LiteFile.CommitDurably(session.Db, () =>
        {
            foreach (var pending in movable)
            {
                if (session.Ratings.FindById(pending["_id"]) is { } rating)
                {
                    rating["at"] = anchor.TimeOf(rating["uptimeMs"].AsInt64);
                    rating["clock"] = after;
                    session.Ratings.Update(rating);
                }

                if (anchor.Exact)
                {
                    session.ClockPending.Delete(pending["_id"]);
                }
                else
                {
                    pending[LiteDocuments.PendingKeyField] = afterKey;
                    session.ClockPending.Update(pending);
                }
            }

            return movable.Count;
        });

        foreach (var key in keys)
        {
            session.PendingByKey.Remove(key);
        }

        if (!anchor.Exact)
        {
            session.PendingByKey[afterKey] = session.PendingByKey.GetValueOrDefault(afterKey) + movable.Count;
        }

        return movable.Count;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the open file. When the engine fails under it (disk full, file gone), the session
    /// is thrown away and the caller gets <see cref="StoreUnavailableException"/>; the next call after the backoff
    /// opens the file again, so storing resumes by itself once the disk is back. Other errors pass through unchanged.
    /// </summary>
    private T Use<T>(Func<LiteSession, T> work)
    {
        var session = CurrentSession();
        try
        {
            return work(session);
        }
        catch (Exception ex) when (LiteEngineFailure.Is(ex))
        {
            var reason = Fail(session, ex);
            throw new StoreUnavailableException(reason, ex);
        }
    }

    private LiteSession CurrentSession()
    {
        lock (_sessionLock)
        {
            if (_session is null && !_disposed && _time.GetUtcNow() >= _retryAt)
            {
                TryOpen();
            }

            return _session ?? throw new StoreUnavailableException(_failure);
        }
    }

    /// <summary>Under <see cref="_sessionLock"/>.</summary>
    private void TryOpen()
    {
        try
        {
            _session = new LiteSession(_open(_path));
            _backoff = _firstRetry;
        }
        catch (Exception ex)
        {
            _failure = $"the event store file cannot be opened: {ex.Message}";
            ScheduleRetry();
        }
    }

    private string Fail(LiteSession session, Exception ex)
    {
        lock (_sessionLock)
        {
            if (ReferenceEquals(_session, session))
            {
                _session = null;
                _failure = $"the event store failed and is being reopened: {ex.GetBaseException().Message}";
                session.Dispose();
                ScheduleRetry();
            }

            return _failure;
        }
    }

    private void ScheduleRetry()
    {
        _retryAt = _time.GetUtcNow() + _backoff;
        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, LastRetry.Ticks));
    }

    /// <summary>
    /// Each (device, seq) once per append, the first copy winning as it would in the table, every event made
    /// <see cref="StorableEvent"/> and fingerprinted. <paramref name="copies"/>: the later copies with other content,
    /// checked against what ends up stored (a conflict).
    /// </summary>
    private static Dictionary<string, List<(DeviceEvent Event, string Hash)>> UniqueEventsByDevice(
        IReadOnlyList<EventBatch> batches, out List<(string Device, long Seq, string Hash)> copies)
    {
        var byDevice = new Dictionary<string, List<(DeviceEvent, string)>>(StringComparer.Ordinal);
        var seen = new Dictionary<(string, long), string>();
        copies = [];
        foreach (var batch in batches)
        {
            if (!byDevice.TryGetValue(batch.DeviceId, out var events))
            {
                events = [];
                byDevice[batch.DeviceId] = events;
            }

            foreach (var e in batch.Events)
            {
                var storable = StorableEvent.Of(e);
                var hash = EventFingerprint.Of(storable);
                if (seen.TryAdd((batch.DeviceId, e.Seq), hash))
                {
                    events.Add((storable, hash));
                }
                else if (seen[(batch.DeviceId, e.Seq)] != hash)
                {
                    copies.Add((batch.DeviceId, e.Seq, hash));
                }
            }
        }

        return byDevice;
    }

    /// <summary>Runs inside the transaction: inserts what is new, records conflicts, then moves each device's bookkeeping forward.</summary>
    private static Dictionary<string, long> Write(
        LiteSession session,
        Dictionary<string, List<(DeviceEvent Event, string Hash)>> byDevice,
        List<(string Device, long Seq, string Hash)> copies,
        DateTime receivedAt)
    {
        var upTo = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (device, events) in byDevice)
        {
            if (events.Count == 0)
            {
                // An empty batch only asks where the device stands; it does not register the device.
                upTo[device] = ReadUpTo(session, device);
                continue;
            }

            var sequence = session.Sequences.FindById(device) is { } existing
                ? LiteDocuments.ToSequence(existing)
                : new DeviceSequence(device, 0, 0, 0, 0, 0, receivedAt);
            var inserted = new HashSet<long>();
            long dropped = 0;
            foreach (var (e, hash) in events)
            {
                if (IsStored(session, device, e.Seq, sequence))
                {
                    RecordIfConflicting(session, device, e.Seq, hash, receivedAt);
                    continue;
                }

                session.Events.Insert(LiteDocuments.FromEvent(device, e, hash, receivedAt));
                if (LiteDocuments.FromRating(device, e) is { } rating)
                {
                    session.Ratings.Insert(rating);
                    if (LiteDocuments.PendingOf(device, e) is { } pending)
                    {
                        // Counted before the commit: a failed one leaves a count too high, which costs one query.
                        session.ClockPending.Insert(pending);
                        var key = pending[LiteDocuments.PendingKeyField].AsString;
                        session.PendingByKey[key] = session.PendingByKey.GetValueOrDefault(key) + 1;
                    }
                }

                inserted.Add(e.Seq);
                if (e.Kind == EventKinds.Dropped)
                {
                    dropped++;
                }
            }

            var contiguous = sequence.UpTo;

            // Past what this append inserted, the contiguous run can only continue into seqs stored earlier (≤ MaxSeq).
            while (inserted.Contains(contiguous + 1)
                || (contiguous < sequence.MaxSeq && session.Events.FindById(LiteDocuments.EventId(device, contiguous + 1)) is not null))
            {
                contiguous++;
            }

            var stored = sequence.Stored + inserted.Count;
            var maxSeq = Math.Max(sequence.MaxSeq, inserted.Count > 0 ? inserted.Max() : 0);
            var updated = sequence with
            {
                UpTo = contiguous,
                MaxSeq = maxSeq,
                Stored = stored,
                Missing = maxSeq - stored,
                Dropped = sequence.Dropped + dropped,
                LastReceivedAt = receivedAt,
            };
            session.Sequences.Upsert(LiteDocuments.FromSequence(updated));
            upTo[device] = contiguous;
        }

        foreach (var (device, seq, hash) in copies)
        {
            RecordIfConflicting(session, device, seq, hash, receivedAt);
        }

        return upTo;
    }

    /// <summary>
    /// A redelivery of a stored (device, seq): nothing to do when its content is the stored one; otherwise a conflict,
    /// recorded once per distinct content. Events stored before fingerprints existed have none and cannot conflict.
    /// </summary>
    private static void RecordIfConflicting(LiteSession session, string device, long seq, string hash, DateTime receivedAt)
    {
        if (session.Events.FindById(LiteDocuments.EventId(device, seq)) is not { } stored
            || !stored.TryGetValue("hash", out var storedHash) || !storedHash.IsString || storedHash.AsString == hash)
        {
            return;
        }

        var conflict = LiteDocuments.FromConflict(new EventConflict(device, seq, storedHash.AsString, hash, new DateTimeOffset(receivedAt, TimeSpan.Zero)));
        if (session.Conflicts.FindById(conflict["_id"]) is null)
        {
            session.Conflicts.Insert(conflict);
        }
    }

    /// <summary>
    /// Whether (device, seq) is already stored. Only seqs between the contiguous part and the highest seq can go
    /// either way and need a lookup: below is stored by definition, above cannot be. Saves a lookup per new event.
    /// </summary>
    private static bool IsStored(LiteSession session, string device, long seq, DeviceSequence sequence) =>
        seq <= sequence.UpTo || (seq <= sequence.MaxSeq && session.Events.FindById(LiteDocuments.EventId(device, seq)) is not null);

    private static long ReadUpTo(LiteSession session, string deviceId) =>
        session.Sequences.FindById(deviceId) is { } sequence ? LiteDocuments.ToSequence(sequence).UpTo : 0;
}
