using LiteDB;

namespace Edge.Fleet.Store.Lite;

/// <summary>
/// One open LiteDB file of the event store and what is derived from it at open (indexes, the count of pending rows).
/// <see cref="LiteEventStore"/> throws a session away when its engine failed and opens a new one: after an I/O error
/// LiteDB keeps the engine closed for good, so recovering means a fresh <see cref="LiteDatabase"/>.
/// </summary>
internal sealed class LiteSession : IDisposable
{
    public LiteSession(LiteDatabase db)
    {
        Db = db;
        try
        {
            Events = db.GetCollection(LiteDocuments.EventsCollection);
            Sequences = db.GetCollection(LiteDocuments.SequencesCollection);
            Ratings = db.GetCollection(LiteDocuments.RatingsCollection);
            ClockPending = db.GetCollection(LiteDocuments.ClockPendingCollection);
            Conflicts = db.GetCollection(LiteDocuments.ConflictsCollection);

            // Statistics filter by time range first, then by counter, field or device.
            Ratings.EnsureIndex("at");
            Ratings.EnsureIndex("counter");
            Ratings.EnsureIndex("device");
            ClockPending.EnsureIndex(LiteDocuments.PendingKeyField);
            Conflicts.EnsureIndex("device");
            foreach (var pending in ClockPending.FindAll())
            {
                var key = pending[LiteDocuments.PendingKeyField].AsString;
                PendingByKey[key] = PendingByKey.GetValueOrDefault(key) + 1;
            }
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    public LiteDatabase Db { get; }

    public ILiteCollection<BsonDocument> Events { get; }

    public ILiteCollection<BsonDocument> Sequences { get; }

    public ILiteCollection<BsonDocument> Ratings { get; }

    public ILiteCollection<BsonDocument> ClockPending { get; }

    public ILiteCollection<BsonDocument> Conflicts { get; }

    /// <summary>Pending rows per key (see <see cref="LiteDocuments.PendingKey"/>); touched under the store's write lock only.</summary>
    public Dictionary<string, long> PendingByKey { get; } = new(StringComparer.Ordinal);

    public void Dispose()
    {
        try
        {
            Db.Dispose();
        }
        catch (Exception ex) when (LiteEngineFailure.Is(ex))
        {
            // A failed engine may fail to close too; the file handle goes with it either way.
        }
    }
}

/// <summary>Which exceptions mean the engine itself is gone (and must be reopened), not that one write was refused.</summary>
internal static class LiteEngineFailure
{
    public static bool Is(Exception ex)
    {
        for (var e = (Exception?)ex; e is not null; e = e.InnerException)
        {
            if (e is IOException or ObjectDisposedException or UnauthorizedAccessException
                || (e is LiteException && e.Message.Contains("closed", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }
}
