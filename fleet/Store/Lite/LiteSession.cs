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
        Ratings = db.GetCollection(LiteDocuments.RatingsCollection);
        ClockPending = db.GetCollection(LiteDocuments.ClockPendingCollection);
        Conflicts = db.GetCollection(LiteDocuments.ConflictsCollection);

        // Statistics filter by time range first, then by counter or field; the ratings of one device are a range of the
        // primary key (LiteEventStore.CountRatings), as its events are.
        Ratings.EnsureIndex("at");
        DropIndexIfPresent(db, Ratings, "counter");
        DropIndexIfPresent(db, Ratings, "device");
        ClockPending.EnsureIndex(LiteDocuments.PendingKeyField);
        Conflicts.EnsureIndex("device");
        foreach (var pending in ClockPending.FindAll())
        {
            var key = pending[LiteDocuments.PendingKeyField].AsString;
            PendingByKey[key] = PendingByKey.GetValueOrDefault(key) + 1;
        }
    }

    public LiteDatabase Db { get; }

    /// <summary>
    /// Files made before an index was given up still carry it, and every insert would keep paying for it: a rating's
    /// index entries are most of the CPU its storing costs (a fifth each, profiled). The answers do not change.
    /// </summary>
    private static void DropIndexIfPresent(LiteDatabase db, ILiteCollection<BsonDocument> collection, string index)
    {
        if (db.GetCollection("$indexes").Exists(Query.And(Query.EQ("collection", collection.Name), Query.EQ("name", index))))
        {
            collection.DropIndex(index);
        }
    }

    public ILiteCollection<BsonDocument> Events { get; }

    public ILiteCollection<BsonDocument> Sequences { get; }

    public ILiteCollection<BsonDocument> Ratings { get; }

    public ILiteCollection<BsonDocument> ClockPending { get; }

    public ILiteCollection<BsonDocument> Conflicts { get; }

    /// <summary>Pending rows per key (see <see cref="LiteDocuments.PendingKey"/>); touched under the store's write lock only.</summary>
    public Dictionary<string, long> PendingByKey { get; } = new(StringComparer.Ordinal);
}
