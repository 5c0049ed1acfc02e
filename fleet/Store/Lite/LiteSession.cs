using LiteDB;

namespace Edge.Fleet.Store.Lite;

/// <summary>
/// What the event store derives from one open LiteDB file (collections, indexes, the count of pending rows).
/// <see cref="ReopeningLiteFile{TView}"/> builds it again at every opening: after an I/O error LiteDB keeps the
/// engine closed for good, so recovering means a fresh <see cref="LiteDatabase"/> and a fresh session.
/// </summary>
internal sealed class LiteSession
{
    public LiteSession(LiteDatabase db)
    {
        Db = db;
        Events = db.GetCollection(LiteDocuments.EventsCollection);
        Sequences = db.GetCollection(LiteDocuments.SequencesCollection);
        ClockPending = db.GetCollection(LiteDocuments.ClockPendingCollection);
        Conflicts = db.GetCollection(LiteDocuments.ConflictsCollection);

        // A rating is its event (LiteDocuments.FromEvent); a file made before kept a second document per rating.
        LiteRatingsFold.Run(db);

        // Statistics filter by the rating's time first, then by counter or field; the ratings of one device are a range
        // of the primary key (LiteEventStore.CountRatings). Events without a rating time are not in the range asked.
        Events.EnsureIndex(LiteDocuments.RatedAtField);
        ClockPending.EnsureIndex(LiteDocuments.PendingKeyField);
        Conflicts.EnsureIndex("device");
        foreach (var pending in ClockPending.FindAll())
        {
            var key = pending[LiteDocuments.PendingKeyField].AsString;
            PendingByKey[key] = PendingByKey.GetValueOrDefault(key) + 1;
        }
    }

    public LiteDatabase Db { get; }

    public ILiteCollection<BsonDocument> Events { get; }

    public ILiteCollection<BsonDocument> Sequences { get; }

    public ILiteCollection<BsonDocument> ClockPending { get; }

    public ILiteCollection<BsonDocument> Conflicts { get; }

    /// <summary>Pending rows per key (see <see cref="LiteDocuments.PendingKey"/>); touched under the store's write lock only.</summary>
    public Dictionary<string, long> PendingByKey { get; } = new(StringComparer.Ordinal);
}
