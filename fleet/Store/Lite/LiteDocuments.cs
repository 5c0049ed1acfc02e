using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Store.Lite;

/// <summary>
/// The shape of the store's documents, written by hand rather than through the reflection mapper so that the
/// file format is visible in one place and dates are always UTC <see cref="DateTime"/>s.
/// </summary>
internal static class LiteDocuments
{
    public const string EventsCollection = "events";
    public const string SequencesCollection = "sequences";

    /// <summary>
    /// Where files made before kept each rating's statistics row, a second document beside its event; folded into the
    /// event when such a file is opened (<see cref="LiteRatingsFold"/>). A new file has no such collection.
    /// </summary>
    public const string RatingsCollection = "ratings";

    /// <summary>
    /// The rating's time as the statistics count it, set on a rating's event only (indexed, <see cref="RatingFields"/>):
    /// the device's time at first, moved by a clock anchor (<c>at</c> stays what the device said).
    /// </summary>
    public const string RatedAtField = "ratedAt";

    /// <summary>
    /// Ratings an anchor may still move, <c>{ _id: rating id, key: "{clock}:{device}/{run}" }</c>, indexed by key: a few
    /// rows at any time, so placing a run costs one index lookup per state, and the ratings collection (which LiteDB
    /// would index with a null for every rating without the field) carries no extra index.
    /// </summary>
    public const string ClockPendingCollection = "clockPending";

    /// <summary>Conflicting duplicates, <c>{ _id: "{device}/{seq:D19}/{newHash}", device, seq, storedHash, newHash, detectedAt }</c>.</summary>
    public const string ConflictsCollection = "conflicts";

    public static readonly string[] Collections = [EventsCollection, SequencesCollection, ClockPendingCollection, ConflictsCollection];

    /// <summary>
    /// LiteDB has no compound keys: (device, seq) becomes one string id, seq zero-padded so that ids sort by seq.
    /// '/' cannot appear in a device id (<see cref="DeviceId.IsValid"/>).
    /// </summary>
    public static string EventId(string device, long seq) => $"{device}/{seq:D19}";

    /// <summary>
    /// The event as stored, with its <see cref="EventFingerprint"/> in <c>hash</c> (to recognise a conflicting duplicate)
    /// and, for a countable rating, its statistics fields (<see cref="RatingFields"/>): one document per rating.
    /// </summary>
    public static BsonDocument FromEvent(string device, DeviceEvent e, string hash, DateTime receivedAt)
    {
        var doc = new BsonDocument
        {
            ["_id"] = EventId(device, e.Seq),
            ["hash"] = hash,
            ["device"] = device,
            ["seq"] = e.Seq,
            ["kind"] = e.Kind,
            ["at"] = e.At.UtcDateTime,
            ["uptimeMs"] = e.UptimeMs,
            ["receivedAt"] = receivedAt,
        };
        SetIfPresent(doc, "counter", e.Counter);
        SetIfPresent(doc, "level", e.Level);
        SetIfPresent(doc, "scale", e.Scale);
        SetIfPresent(doc, "suspect", e.Suspect);
        SetIfPresent(doc, "ticket", e.Ticket);
        SetIfPresent(doc, "field", e.Field);
        SetIfPresent(doc, "subject", e.Subject);
        SetIfPresent(doc, "state", e.State);
        SetIfPresent(doc, "detail", e.Detail);
        if (e.Kind == EventKinds.Rating && e.Level is { } level)
        {
            var scale = e.Scale ?? RatingScale.Default;
            SetRating(doc, e.At.UtcDateTime, RatingScale.IsSatisfied(level, scale), RatingClock.Of(e), e.Run);
        }

        return doc;
    }

    /// <summary>
    /// The statistics fields of a countable rating, on its event: <see cref="RatedAtField"/>, <c>satisfied</c> (decided
    /// once, with the scale the device reported or the default), <c>clock</c> (<see cref="RatingClock"/>) and <c>run</c>.
    /// Level, counter, field and suspect are the event's own. An event without them is not counted.
    /// </summary>
    public static void SetRating(BsonDocument doc, DateTime ratedAt, bool satisfied, string clock, string? run)
    {
        doc[RatedAtField] = ratedAt;
        doc["satisfied"] = satisfied;
        doc["clock"] = clock;
        SetIfPresent(doc, "run", run);
    }

    /// <summary>The event a document of <see cref="EventsCollection"/> holds (what <see cref="FromEvent"/> wrote).</summary>
    public static DeviceEvent ToEvent(BsonDocument doc) => new()
    {
        Seq = doc["seq"].AsInt64,
        Kind = doc["kind"].AsString,
        At = new DateTimeOffset(DateTime.SpecifyKind(doc["at"].AsDateTime, DateTimeKind.Utc)),
        UptimeMs = doc["uptimeMs"].AsInt64,
        Counter = Text(doc, "counter"),
        Level = doc.TryGetValue("level", out var level) && level.IsNumber ? level.AsInt32 : null,
        Scale = doc.TryGetValue("scale", out var scale) && scale.IsNumber ? scale.AsInt32 : null,
        Suspect = doc.TryGetValue("suspect", out var suspect) && suspect.IsBoolean ? suspect.AsBoolean : null,
        Ticket = Text(doc, "ticket"),
        Field = Text(doc, "field"),
        Subject = Text(doc, "subject"),
        State = Text(doc, "state"),
        Detail = Text(doc, "detail"),
    };

    private static string? Text(BsonDocument doc, string name) => doc.TryGetValue(name, out var value) && value.IsString ? value.AsString : null;

    /// <summary>The pending row of a rating an anchor may move, or null when its time is final or cannot be placed.</summary>
    public static BsonDocument? PendingOf(string device, DeviceEvent e) =>
        e.Run is not null && RatingClock.Of(e) != RatingClock.Device
            ? new BsonDocument { ["_id"] = EventId(device, e.Seq), [PendingKeyField] = PendingKey(RatingClock.Unsynced, device, e.Run) }
            : null;

    public const string PendingKeyField = "key";

    public static string PendingKey(string clock, string device, string run) => $"{clock}:{device}/{run}";

    public static BsonDocument FromSequence(DeviceSequence s) => new()
    {
        ["_id"] = s.DeviceId,
        ["upTo"] = s.UpTo,
        ["maxSeq"] = s.MaxSeq,
        ["stored"] = s.Stored,
        ["dropped"] = s.Dropped,
        ["lastReceivedAt"] = s.LastReceivedAt.UtcDateTime,
    };

    /// <summary>Missing is derived, not stored: every stored seq is at most maxSeq and stored once.</summary>
    public static DeviceSequence ToSequence(BsonDocument doc)
    {
        var maxSeq = doc["maxSeq"].AsInt64;
        var stored = doc["stored"].AsInt64;
        return new DeviceSequence(
            doc["_id"].AsString,
            doc["upTo"].AsInt64,
            maxSeq,
            stored,
            maxSeq - stored,
            doc["dropped"].AsInt64,
            new DateTimeOffset(DateTime.SpecifyKind(doc["lastReceivedAt"].AsDateTime, DateTimeKind.Utc)));
    }

    public static BsonDocument FromConflict(EventConflict c) => new()
    {
        ["_id"] = $"{EventId(c.DeviceId, c.Seq)}/{c.NewHash}",
        ["device"] = c.DeviceId,
        ["seq"] = c.Seq,
        ["storedHash"] = c.StoredHash,
        ["newHash"] = c.NewHash,
        ["detectedAt"] = c.DetectedAt.UtcDateTime,
    };

    public static EventConflict ToConflict(BsonDocument doc) => new(
        doc["device"].AsString,
        doc["seq"].AsInt64,
        doc["storedHash"].AsString,
        doc["newHash"].AsString,
        new DateTimeOffset(DateTime.SpecifyKind(doc["detectedAt"].AsDateTime, DateTimeKind.Utc)));

    private static void SetIfPresent(BsonDocument doc, string name, string? value)
    {
        if (value is not null)
        {
            doc[name] = value;
        }
    }

    private static void SetIfPresent(BsonDocument doc, string name, int? value)
    {
        if (value is { } v)
        {
            doc[name] = v;
        }
    }

    private static void SetIfPresent(BsonDocument doc, string name, bool? value)
    {
        if (value is { } v)
        {
            doc[name] = v;
        }
    }
}
