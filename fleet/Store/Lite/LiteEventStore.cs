using Edge.Storage;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Store.Lite;

/// <summary>
/// <see cref="IEventStore"/> on one embedded LiteDB file. Every append is one transaction made durable by
/// <see cref="LiteFile.CommitDurably{T}"/> (commit + checkpoint), so the cost of the fsyncs is paid once per group
/// of batches, not per event. LiteDB binds a transaction to its thread: the whole append runs synchronously under
/// the file's write lock, never across an await, and concurrent callers take turns.
/// After an I/O error (disk full) LiteDB keeps its engine closed even once space is back: the store then throws
/// <see cref="StoreUnavailableException"/> and reopens the file by itself, with backoff (<see cref="ReopeningLiteFile{TView}"/>).
/// </summary>
public sealed class LiteEventStore : IEventStore, IDisposable
{
    private readonly ReopeningLiteFile<LiteSession> _file;

    /// <summary>The store on <paramref name="path"/>. A file that cannot be opened does not throw here: the store answers
    /// <see cref="StoreUnavailableException"/> and tries again with backoff (a throw at start-up is a crash loop under systemd).</summary>
    public LiteEventStore(string path, StoreOutages? outages = null)
    {
        _file = new ReopeningLiteFile<LiteSession>(Name, path, LiteDocuments.Collections, db => new LiteSession(db), outages, Opening);
    }

    /// <summary>The default opening, a missing file first created with <see cref="OrdinalCollation"/>.</summary>
    private static LiteFileOpening Opening { get; } = LiteFileOpening.Default with
    {
        Open = (path, collections) =>
        {
            OrdinalCollation.CreateIfMissing(path);
            return LiteFileOpening.Default.Open(path, collections);
        },
    };

    /// <summary>Test seam: how the file is opened (e.g. over a stream that fails like a full disk) and how soon it is retried.</summary>
    internal LiteEventStore(string path, Func<string, LiteDatabase> open, TimeProvider time, TimeSpan firstRetry)
    {
        _file = new ReopeningLiteFile<LiteSession>(
            Name, path, LiteDocuments.Collections, db => new LiteSession(db), null, new LiteFileOpening((p, _) => open(p), time, firstRetry, _ => null));
    }

    /// <summary>The store's name in 503 answers, <c>/healthz</c> and <c>/metrics</c>.</summary>
    public static string Name => "event";

    /// <summary>Why the store cannot be used now, or null while its file is open.</summary>
    public string? Problem => _file.Problem;

    public Task<IReadOnlyDictionary<string, long>> AppendAsync(
        IReadOnlyList<EventBatch> batches, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var unique = UniqueEventsByDevice(batches, out var copies);
        IReadOnlyDictionary<string, long> upTo = _file.Locked((db, session) => unique.Values.Any(events => events.Count > 0)
            ? LiteFile.CommitDurably(db, () => Write(session, unique, copies, receivedAt.UtcDateTime))
            : unique.Keys.ToDictionary(device => device, device => ReadUpTo(session, device), StringComparer.Ordinal));
        return Task.FromResult(upTo);
    }

    public Task<long> GetAckedUpToAsync(string deviceId, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Read(session => ReadUpTo(session, deviceId)));

    public Task<IReadOnlyList<DeviceSequence>> ListSequencesAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<DeviceSequence> sequences = _file.Read(session => session.Sequences.FindAll()
            .Select(LiteDocuments.ToSequence)
            .OrderBy(s => s.DeviceId, StringComparer.Ordinal)
            .ToList());
        return Task.FromResult(sequences);
    }

    public Task<IReadOnlyList<DeviceEvent>> ReadEventsAsync(string deviceId, long afterSeq, int max, CancellationToken cancellationToken)
    {
        // The _id is "{device}/{seq:D19}": one range of the primary key, already in seq order.
        var from = LiteDocuments.EventId(deviceId, Math.Max(afterSeq, 0) + 1);
        var to = LiteDocuments.EventId(deviceId, long.MaxValue);
        IReadOnlyList<DeviceEvent> events = _file.Read(session => session.Events
            .Find(Query.Between("_id", from, to), limit: Math.Max(max, 0))
            .Select(LiteDocuments.ToEvent)
            .ToList());
        return Task.FromResult(events);
    }

    public Task<IReadOnlyList<EventConflict>> ListConflictsAsync(string? deviceId, CancellationToken cancellationToken)
    {
        IReadOnlyList<EventConflict> conflicts = _file.Read(session =>
            (deviceId is null ? session.Conflicts.FindAll() : session.Conflicts.Find(Query.EQ("device", deviceId)))
                .Select(LiteDocuments.ToConflict)
                .OrderBy(c => c.DetectedAt)
                .ThenBy(c => c.DeviceId, StringComparer.Ordinal)
                .ThenBy(c => c.Seq)
                .ToList());
        return Task.FromResult(conflicts);
    }

    public Task<RatingCounts> CountRatingsAsync(RatingFilter filter, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Read(session => CountRatings(session, filter)));

    private static RatingCounts CountRatings(LiteSession session, RatingFilter filter)
    {
        // Ratings are the events with a rating time (LiteDocuments.RatedAtField): always a range of its index, which
        // leaves every other event out (no time sorts before DateTime.MinValue, and a missing field is null).
        var query = session.Events.Query()
            .Where($"{LiteDocuments.RatedAtField} >= @0", (filter.From ?? DateTimeOffset.MinValue).UtcDateTime)
            .Where("suspect != true");
        if (filter.To is { } to)
        {
            query = query.Where($"{LiteDocuments.RatedAtField} < @0", to.UtcDateTime);
        }

        if (filter.Counter is not null)
        {
            query = query.Where("counter = @0", filter.Counter);
        }

        if (filter.Field is not null)
        {
            query = query.Where("field = @0", filter.Field);
        }

        if (filter.DeviceId is { } device)
        {
            // One device's events are one range of the primary key ("{device}/{seq:D19}"): no index of their own.
            query = query
                .Where("_id BETWEEN @0 AND @1", LiteDocuments.EventId(device, 0), LiteDocuments.EventId(device, long.MaxValue))
                .Where("device = @0", device);
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
        return Task.FromResult(_file.Locked((_, session) => PlaceInTime(session, anchor, keys)));
    }

    public void Dispose() => _file.Dispose();

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
                if (session.Events.FindById(pending["_id"]) is { } rating)
                {
                    rating[LiteDocuments.RatedAtField] = anchor.TimeOf(rating["uptimeMs"].AsInt64);
                    rating["clock"] = after;
                    session.Events.Update(rating);
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

                var document = LiteDocuments.FromEvent(device, e, hash, receivedAt);
                session.Events.Insert(document);
                if (document.ContainsKey(LiteDocuments.RatedAtField) && LiteDocuments.PendingOf(device, e) is { } pending)
                {
                    // Counted before the commit: a failed one leaves a count too high, which costs one query.
                    session.ClockPending.Insert(pending);
                    var key = pending[LiteDocuments.PendingKeyField].AsString;
                    session.PendingByKey[key] = session.PendingByKey.GetValueOrDefault(key) + 1;
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
