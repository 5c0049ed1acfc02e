using Edge.Storage;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Store.Lite;

/// <summary>
/// <see cref="IEventStore"/> on one embedded LiteDB file. Every append is one transaction made durable by
/// <see cref="LiteFile.CommitDurably{T}"/> (commit + checkpoint), so the cost of the fsyncs is paid once per group
/// of batches, not per event. LiteDB binds a transaction to its thread: the whole append runs synchronously under
/// <see cref="_writeLock"/>, never across an await, and concurrent callers take turns.
/// </summary>
public sealed class LiteEventStore : IEventStore, IDisposable
{
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _events;
    private readonly ILiteCollection<BsonDocument> _sequences;
    private readonly ILiteCollection<BsonDocument> _ratings;
    private readonly ILiteCollection<BsonDocument> _clockPending;
    private readonly Lock _writeLock = new();

    /// <summary>Pending rows per key (see <see cref="LiteDocuments.PendingKey"/>); under <see cref="_writeLock"/>.</summary>
    private readonly Dictionary<string, long> _pendingByKey = new(StringComparer.Ordinal);

    public LiteEventStore(string path)
    {
        _db = LiteFile.Open(
            path, LiteDocuments.EventsCollection, LiteDocuments.SequencesCollection, LiteDocuments.RatingsCollection, LiteDocuments.ClockPendingCollection);
        _events = _db.GetCollection(LiteDocuments.EventsCollection);
        _sequences = _db.GetCollection(LiteDocuments.SequencesCollection);
        _ratings = _db.GetCollection(LiteDocuments.RatingsCollection);
        _clockPending = _db.GetCollection(LiteDocuments.ClockPendingCollection);

        // Statistics filter by time range first, then by counter, field or device.
        _ratings.EnsureIndex("at");
        _ratings.EnsureIndex("counter");
        _ratings.EnsureIndex("device");
        _clockPending.EnsureIndex(LiteDocuments.PendingKeyField);
        foreach (var pending in _clockPending.FindAll())
        {
            var key = pending[LiteDocuments.PendingKeyField].AsString;
            _pendingByKey[key] = _pendingByKey.GetValueOrDefault(key) + 1;
        }
    }

    public Task<IReadOnlyDictionary<string, long>> AppendAsync(
        IReadOnlyList<EventBatch> batches, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var unique = UniqueEventsByDevice(batches);
        IReadOnlyDictionary<string, long> upTo;
        lock (_writeLock)
        {
            upTo = unique.Values.Any(events => events.Count > 0)
                ? LiteFile.CommitDurably(_db, () => Write(unique, receivedAt.UtcDateTime))
                : unique.Keys.ToDictionary(device => device, ReadUpTo, StringComparer.Ordinal);
        }

        return Task.FromResult(upTo);
    }

    public Task<long> GetAckedUpToAsync(string deviceId, CancellationToken cancellationToken) =>
        Task.FromResult(ReadUpTo(deviceId));

    public Task<IReadOnlyList<DeviceSequence>> ListSequencesAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<DeviceSequence> sequences = _sequences.FindAll()
            .Select(LiteDocuments.ToSequence)
            .OrderBy(s => s.DeviceId, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(sequences);
    }

    public Task<RatingCounts> CountRatingsAsync(RatingFilter filter, CancellationToken cancellationToken)
    {
        var query = _ratings.Query().Where("suspect = false");
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

        return Task.FromResult(new RatingCounts(byLevel, satisfied));
    }

    public Task<long> PlaceInTimeAsync(ClockAnchor anchor, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var keys = RatingClock.MovableBy(anchor).Select(clock => LiteDocuments.PendingKey(clock, anchor.DeviceId, anchor.Run)).ToList();
        lock (_writeLock)
        {
            // Every heartbeat of a run asks; almost always there is nothing, known without a query (a LiteDB query
            // costs milliseconds, a dictionary lookup does not).
            if (!keys.Any(key => _pendingByKey.GetValueOrDefault(key) > 0))
            {
                return Task.FromResult(0L);
            }

            var movable = keys.SelectMany(key => _clockPending.Find(Query.EQ(LiteDocuments.PendingKeyField, key))).ToList();
            var after = RatingClock.After(anchor);
            var afterKey = LiteDocuments.PendingKey(after, anchor.DeviceId, anchor.Run);
            LiteFile.CommitDurably(_db, () =>
            {
                foreach (var pending in movable)
                {
                    if (_ratings.FindById(pending["_id"]) is { } rating)
                    {
                        rating["at"] = anchor.TimeOf(rating["uptimeMs"].AsInt64);
                        rating["clock"] = after;
                        _ratings.Update(rating);
                    }

                    if (anchor.Exact)
                    {
                        _clockPending.Delete(pending["_id"]);
                    }
                    else
                    {
                        pending[LiteDocuments.PendingKeyField] = afterKey;
                        _clockPending.Update(pending);
                    }
                }

                return movable.Count;
            });

            foreach (var key in keys)
            {
                _pendingByKey.Remove(key);
            }

            if (!anchor.Exact)
            {
                _pendingByKey[afterKey] = _pendingByKey.GetValueOrDefault(afterKey) + movable.Count;
            }

            return Task.FromResult((long)movable.Count);
        }
    }

    public void Dispose() => _db.Dispose();

    /// <summary>Each (device, seq) once per append, the first copy winning as it would in the table.</summary>
    private static Dictionary<string, List<DeviceEvent>> UniqueEventsByDevice(IReadOnlyList<EventBatch> batches)
    {
        var byDevice = new Dictionary<string, List<DeviceEvent>>(StringComparer.Ordinal);
        var seen = new HashSet<(string, long)>();
        foreach (var batch in batches)
        {
            if (!byDevice.TryGetValue(batch.DeviceId, out var events))
            {
                events = [];
                byDevice[batch.DeviceId] = events;
            }

            events.AddRange(batch.Events.Where(e => seen.Add((batch.DeviceId, e.Seq))));
        }

        return byDevice;
    }

    /// <summary>Runs inside the transaction: inserts what is new, then moves each device's bookkeeping forward.</summary>
    private Dictionary<string, long> Write(Dictionary<string, List<DeviceEvent>> byDevice, DateTime receivedAt)
    {
        var upTo = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (device, events) in byDevice)
        {
            if (events.Count == 0)
            {
                // An empty batch only asks where the device stands; it does not register the device.
                upTo[device] = ReadUpTo(device);
                continue;
            }

            var sequence = _sequences.FindById(device) is { } existing
                ? LiteDocuments.ToSequence(existing)
                : new DeviceSequence(device, 0, 0, 0, 0, 0, receivedAt);
            var inserted = new HashSet<long>();
            long dropped = 0;
            foreach (var e in events)
            {
                if (IsStored(device, e.Seq, sequence))
                {
                    continue;
                }

                _events.Insert(LiteDocuments.FromEvent(device, e, receivedAt));
                if (LiteDocuments.FromRating(device, e) is { } rating)
                {
                    _ratings.Insert(rating);
                    if (LiteDocuments.PendingOf(device, e) is { } pending)
                    {
                        // Counted before the commit: a failed one leaves a count too high, which costs one query.
                        _clockPending.Insert(pending);
                        var key = pending[LiteDocuments.PendingKeyField].AsString;
                        _pendingByKey[key] = _pendingByKey.GetValueOrDefault(key) + 1;
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
                || (contiguous < sequence.MaxSeq && _events.FindById(LiteDocuments.EventId(device, contiguous + 1)) is not null))
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
            _sequences.Upsert(LiteDocuments.FromSequence(updated));
            upTo[device] = contiguous;
        }

        return upTo;
    }

    /// <summary>
    /// Whether (device, seq) is already stored. Only seqs between the contiguous part and the highest seq can go
    /// either way and need a lookup: below is stored by definition, above cannot be. Saves a lookup per new event.
    /// </summary>
    private bool IsStored(string device, long seq, DeviceSequence sequence) =>
        seq <= sequence.UpTo || (seq <= sequence.MaxSeq && _events.FindById(LiteDocuments.EventId(device, seq)) is not null);

    private long ReadUpTo(string deviceId) =>
        _sequences.FindById(deviceId) is { } sequence ? LiteDocuments.ToSequence(sequence).UpTo : 0;
}
