using Edge.Storage;
using LiteDB;

namespace Edge.Fleet.Store.Lite;

/// <summary>
/// Brings a <c>fleet.db</c> made before ratings were folded into their events to the current layout, when it is opened:
/// each document of the old <see cref="LiteDocuments.RatingsCollection"/> gives its statistics fields (its time, which a
/// clock anchor may have moved, whether it is satisfied, its clock state and run) to its event, then the old collection
/// and its indexes are dropped. A new file never has the collection, so this costs it one lookup.
/// </summary>
/// <remarks>
/// The old documents stay until every event has its fields, then go in one drop (deleting them one by one, with their
/// four index entries each, cost as much again). Each chunk is one transaction; a process stopped halfway leaves the
/// old collection whole, so the next opening starts again and writes the same fields again. Readers of the file that do
/// not open it through the store (<c>move-to-postgres</c>'s <c>EventCopier</c>) read both places.
/// </remarks>
internal static class LiteRatingsFold
{
    /// <summary>Ratings folded per transaction: bounded memory for LiteDB's dirty pages whatever the file's size.</summary>
    private const int ChunkSize = 5_000;

    /// <summary>Folds what the old collection still holds; returns how many ratings were moved (0 for a current file).</summary>
    public static long Run(LiteDatabase db)
    {
        if (!db.CollectionExists(LiteDocuments.RatingsCollection))
        {
            return 0;
        }

        var ratings = db.GetCollection(LiteDocuments.RatingsCollection);
        var events = db.GetCollection(LiteDocuments.EventsCollection);
        long moved = 0;
        var after = BsonValue.MinValue;
        while (true)
        {
            var chunk = ratings.Find(Query.GT("_id", after), limit: ChunkSize).ToList();
            if (chunk.Count == 0)
            {
                break;
            }

            LiteFile.Commit(db, () =>
            {
                foreach (var rating in chunk)
                {
                    // Stored in the same transaction as its rating: an event is always there (if not, nothing to count it on).
                    if (events.FindById(rating["_id"]) is { } e)
                    {
                        LiteDocuments.SetRating(e, RatedAt(rating), rating["satisfied"].AsBoolean, Clock(rating), Run(rating));
                        events.Update(e);
                    }
                }

                return chunk.Count;
            });
            moved += chunk.Count;
            after = chunk[^1]["_id"];
        }

        db.DropCollection(LiteDocuments.RatingsCollection);
        db.Checkpoint();
        return moved;
    }

    /// <summary>The rating's time in an old statistics row.</summary>
    public static DateTime RatedAt(BsonDocument rating) => DateTime.SpecifyKind(rating["at"].AsDateTime, DateTimeKind.Utc);

    /// <summary>The rating's clock state (<see cref="RatingClock"/>) in an old statistics row or on a folded event.</summary>
    public static string Clock(BsonDocument rating) =>
        rating.TryGetValue("clock", out var clock) && clock.IsString ? clock.AsString : RatingClock.Device;

    /// <summary>The rating's run in an old statistics row or on a folded event.</summary>
    public static string? Run(BsonDocument rating) => rating.TryGetValue("run", out var run) && run.IsString ? run.AsString : null;
}
