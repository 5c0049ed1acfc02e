using Edge.Fleet.Store.Lite;
using Edge.Fleet.Store.Postgres;
using Edge.Storage;
using Edge.Wire;
using LiteDB;
using Npgsql;
using Edge.Fleet.Store;

namespace Edge.Fleet.Store.Moving;

/// <summary>
/// Copies the embedded event store (<c>fleet.db</c>: events, their sequences and the ratings projection) into
/// PostgreSQL. Events go through <see cref="PostgresEventStore.AppendAsync"/>, grouped by the time they were received,
/// so the target keeps each (device, seq) once and derives <c>up_to</c> and the ratings exactly as ingest does; then
/// each rating's time, run and clock state are taken from the source (a rating already placed in time stays placed):
/// from its event, or from the statistics row of a file made before ratings were folded into their events
/// (<see cref="LiteRatingsFold"/>; a file is folded when the fleet opens it, and the copier does not write its source).
/// </summary>
public sealed class EventCopier : IEmbeddedDataCopier
{
    private const int BatchEvents = 2_000;

    public string What => "events, device sequences, ratings";

    public int Order => 0;

    public async Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        await using var command = target.CreateCommand("SELECT count(*) FROM events");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    public async Task<long> CopyAsync(FleetOptions source, NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        if (!File.Exists(source.StorePath))
        {
            return 0;
        }

        using var db = LiteFile.Open(source.StorePath, LiteDocuments.EventsCollection, LiteDocuments.SequencesCollection,
            LiteDocuments.ClockPendingCollection);
        var store = new PostgresEventStore(target);
        var ratingTimes = new RatingTimes();
        long copied = 0;
        var pending = new List<(string Device, DeviceEvent Event)>();
        DateTime? pendingReceivedAt = null;
        foreach (var doc in LitePages.Of(db.GetCollection(LiteDocuments.EventsCollection)).SelectMany(page => page))
        {
            var receivedAt = DateTime.SpecifyKind(doc["receivedAt"].AsDateTime, DateTimeKind.Utc);
            if (pending.Count >= BatchEvents || (pendingReceivedAt is { } r && r != receivedAt))
            {
                copied += await AppendAsync(store, pending, pendingReceivedAt!.Value, cancellationToken);
            }

            pendingReceivedAt = receivedAt;
            pending.Add((doc["device"].AsString, LiteDocuments.ToEvent(doc)));
            if (doc.TryGetValue(LiteDocuments.RatedAtField, out var ratedAt) && ratedAt.IsDateTime)
            {
                ratingTimes.Add(doc, DateTime.SpecifyKind(ratedAt.AsDateTime, DateTimeKind.Utc));
            }
        }

        if (pending.Count > 0)
        {
            copied += await AppendAsync(store, pending, pendingReceivedAt!.Value, cancellationToken);
        }

        if (db.CollectionExists(LiteDocuments.RatingsCollection))
        {
            foreach (var rating in db.GetCollection(LiteDocuments.RatingsCollection).FindAll())
            {
                ratingTimes.Add(rating, LiteRatingsFold.RatedAt(rating));
            }
        }

        await ratingTimes.CopyAsync(target, cancellationToken);
        return copied;
    }

    private static async Task<long> AppendAsync(PostgresEventStore store, List<(string Device, DeviceEvent Event)> events, DateTime receivedAt, CancellationToken cancellationToken)
    {
        var batches = events.GroupBy(e => e.Device, StringComparer.Ordinal)
            .Select(g => new EventBatch(g.Key, g.Select(e => e.Event).ToList()))
            .ToList();
        await store.AppendAsync(batches, new DateTimeOffset(receivedAt), cancellationToken);
        var count = events.Count;
        events.Clear();
        return count;
    }

    /// <summary>The source's rating times and clock states, which clock placement may have changed since ingest.</summary>
    private sealed class RatingTimes
    {
        private readonly Dictionary<(string Device, long Seq), (DateTime At, string? Run, long UptimeMs, string Clock)> _byRating = [];

        /// <summary>
        /// One rating: a folded event or an old statistics row (both carry device, seq, uptime, clock and run). A file
        /// stopped halfway through its fold has both, with the same fields: the rating is taken once.
        /// </summary>
        public void Add(BsonDocument rating, DateTime at) =>
            _byRating[(rating["device"].AsString, rating["seq"].AsInt64)] = (
                at,
                LiteRatingsFold.Run(rating),
                rating.TryGetValue("uptimeMs", out var uptime) && uptime.IsNumber ? uptime.AsInt64 : 0,
                LiteRatingsFold.Clock(rating));

        public async Task CopyAsync(NpgsqlDataSource target, CancellationToken cancellationToken)
        {
            if (_byRating.Count == 0)
            {
                return;
            }

            await using var command = target.CreateCommand("""
                UPDATE ratings r SET at = s.at, run = s.run, uptime_ms = s.uptime_ms, clock = s.clock
                FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::text[], $5::bigint[], $6::text[])
                     AS s(device_id, seq, at, run, uptime_ms, clock)
                WHERE r.device_id = s.device_id AND r.seq = s.seq
                """);
            command.Parameters.Add(new() { Value = _byRating.Keys.Select(k => k.Device).ToArray() });
            command.Parameters.Add(new() { Value = _byRating.Keys.Select(k => k.Seq).ToArray() });
            command.Parameters.Add(new() { Value = _byRating.Values.Select(v => v.At).ToArray() });
            command.Parameters.Add(new() { Value = _byRating.Values.Select(v => v.Run).ToArray() });
            command.Parameters.Add(new() { Value = _byRating.Values.Select(v => v.UptimeMs).ToArray() });
            command.Parameters.Add(new() { Value = _byRating.Values.Select(v => v.Clock).ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
