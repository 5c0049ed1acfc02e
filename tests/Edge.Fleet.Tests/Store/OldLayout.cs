using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Tests.Store;

/// <summary>
/// Writes <c>fleet.db</c> as versions before the fold wrote it (<see cref="LiteRatingsFold"/>): each rating a second
/// document in <c>ratings</c>, indexed by time, counter and device, beside an event without statistics fields.
/// </summary>
internal static class OldLayout
{
    public static void EnsureIndexes(LiteDatabase db)
    {
        var ratings = db.GetCollection(LiteDocuments.RatingsCollection);
        ratings.EnsureIndex("at");
        ratings.EnsureIndex("counter");
        ratings.EnsureIndex("device");
        db.GetCollection(LiteDocuments.ClockPendingCollection).EnsureIndex(LiteDocuments.PendingKeyField);
    }

    /// <summary>
    /// One event and, for a rating, its statistics row: at <paramref name="placedAt"/> when an anchor has moved it since
    /// (with <paramref name="clock"/>), and a pending row while its clock is <see cref="RatingClock.Unsynced"/>.
    /// </summary>
    public static void Store(LiteDatabase db, string device, DeviceEvent e, DateTimeOffset receivedAt, DateTimeOffset? placedAt = null, string clock = RatingClock.Device)
    {
        var stored = LiteDocuments.FromEvent(device, e, EventFingerprint.Of(e), receivedAt.UtcDateTime);
        foreach (var folded in new[] { LiteDocuments.RatedAtField, "satisfied", "clock", "run" })
        {
            stored.Remove(folded);
        }

        db.GetCollection(LiteDocuments.EventsCollection).Insert(stored);
        if (e.Kind != EventKinds.Rating)
        {
            return;
        }

        var scale = e.Scale ?? RatingScale.Default;
        var rating = new BsonDocument
        {
            ["_id"] = LiteDocuments.EventId(device, e.Seq),
            ["device"] = device,
            ["seq"] = e.Seq,
            ["level"] = e.Level!.Value,
            ["scale"] = scale,
            ["satisfied"] = RatingScale.IsSatisfied(e.Level.Value, scale),
            ["suspect"] = e.Suspect ?? false,
            ["at"] = (placedAt ?? e.At).UtcDateTime,
            ["uptimeMs"] = e.UptimeMs,
            ["clock"] = clock,
            ["counter"] = e.Counter,
        };
        if (e.Field is not null)
        {
            rating["field"] = e.Field;
        }

        if (e.Run is not null)
        {
            rating["run"] = e.Run;
        }

        db.GetCollection(LiteDocuments.RatingsCollection).Insert(rating);
        if (clock == RatingClock.Unsynced)
        {
            db.GetCollection(LiteDocuments.ClockPendingCollection).Insert(new BsonDocument
            {
                ["_id"] = rating["_id"],
                [LiteDocuments.PendingKeyField] = LiteDocuments.PendingKey(RatingClock.Unsynced, device, e.Run!),
            });
        }
    }
}
