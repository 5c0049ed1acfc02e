using Edge.Wire;

namespace Edge.Fleet.Store;

/// <summary>
/// Where ingested events live. Implementations: LiteDB (embedded, default) and PostgreSQL (scale).
/// Both must pass the same contract tests (tests/Edge.Fleet.Tests/Store/EventStoreContract.cs).
/// </summary>
public interface IEventStore
{
    /// <summary>
    /// Stores every event of every batch durably (on disk when the task completes), each (device, seq) once:
    /// an event already stored is skipped, never overwritten. Ratings are also projected for statistics.
    /// Returns, per device in <paramref name="batches"/>, the highest contiguous seq stored from 1 (what the ack carries).
    /// </summary>
    Task<IReadOnlyDictionary<string, long>> AppendAsync(
        IReadOnlyList<EventBatch> batches, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>Highest contiguous seq stored for a device, 0 when none.</summary>
    Task<long> GetAckedUpToAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>Sequence bookkeeping for every device that has sent events.</summary>
    Task<IReadOnlyList<DeviceSequence>> ListSequencesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The stored events of <paramref name="deviceId"/> with a seq above <paramref name="afterSeq"/>, in seq order, at
    /// most <paramref name="max"/> (as stored: counter from the registry, text capped). What federation forwards upward.
    /// </summary>
    Task<IReadOnlyList<DeviceEvent>> ReadEventsAsync(string deviceId, long afterSeq, int max, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} cannot read events back");

    /// <summary>Counts of ratings per level matching the filter (suspect presses excluded).</summary>
    Task<RatingCounts> CountRatingsAsync(RatingFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// Places in time the ratings of <see cref="ClockAnchor.Run"/> that the device stamped with an unsynchronised clock:
    /// their time becomes the anchor's plus the uptime between them. An estimated anchor moves only ratings not placed
    /// yet; an exact one also those placed by an estimate. Durable when the task completes; returns how many moved.
    /// </summary>
    Task<long> PlaceInTimeAsync(ClockAnchor anchor, CancellationToken cancellationToken);

    /// <summary>
    /// Conflicting duplicates recorded by <see cref="AppendAsync"/>: a (device, seq) already stored (or twice in one
    /// append) arrived with other content. The first copy stays; each distinct other content is recorded once.
    /// All devices when <paramref name="deviceId"/> is null, oldest first.
    /// </summary>
    Task<IReadOnlyList<EventConflict>> ListConflictsAsync(string? deviceId, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} keeps no conflicts");
}

/// <summary>
/// A (device, seq) that arrived again with other content than the stored copy: <see cref="StoredHash"/> and
/// <see cref="NewHash"/> are <see cref="EventFingerprint"/>s. The stored event is never overwritten.
/// </summary>
public sealed record EventConflict(string DeviceId, long Seq, string StoredHash, string NewHash, DateTimeOffset DetectedAt);

/// <summary>
/// The store cannot be used now (the disk failed, the database is unreachable): nothing was stored. Callers answer
/// 503 with <see cref="Exception.Message"/> as the reason; the store recovers by itself when it can.
/// </summary>
public sealed class StoreUnavailableException(string reason, Exception? inner = null) : Exception(reason, inner);

/// <summary>
/// True time <see cref="At"/> of the moment the device's monotonic clock read <see cref="UptimeMs"/> in run
/// <see cref="Run"/>. Exact when the device's own clock was synchronised; estimated when the fleet took the arrival
/// time of a live heartbeat (off by the network delay, typically milliseconds).
/// </summary>
public sealed record ClockAnchor(string DeviceId, string Run, DateTimeOffset At, long UptimeMs, bool Exact)
{
    /// <summary>The true time of the moment the same run's uptime read <paramref name="uptimeMs"/>.</summary>
    /// <remarks>
    /// Saturates at the ends of <see cref="DateTime"/> instead of overflowing: uptimes come from devices, and a hostile
    /// or broken one (uptime near <see cref="long.MaxValue"/>) must not fail the placement of a whole run.
    /// </remarks>
    public DateTime TimeOf(long uptimeMs)
    {
        var ticks = (decimal)At.UtcTicks + (((decimal)uptimeMs - UptimeMs) * TimeSpan.TicksPerMillisecond);
        return new DateTime((long)Math.Clamp(ticks, DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Utc);
    }
}

/// <summary>Where a stored rating's time comes from (<c>clock</c> in the store).</summary>
public static class RatingClock
{
    /// <summary>The device's clock was synchronised: its time is kept.</summary>
    public const string Device = "device";

    /// <summary>The device's clock was not synchronised and no anchor of its run has been seen yet.</summary>
    public const string Unsynced = "unsynced";

    /// <summary>Placed by an estimated anchor; an exact one may still move it.</summary>
    public const string Estimated = "estimated";

    /// <summary>Placed by an exact anchor: final.</summary>
    public const string Corrected = "corrected";

    /// <summary>The clock state of a new rating.</summary>
    public static string Of(DeviceEvent e) => e.ClockSynced == false ? Unsynced : Device;

    /// <summary>States an anchor may move: an estimate only what is unplaced, an exact anchor estimates too.</summary>
    public static string[] MovableBy(ClockAnchor anchor) => anchor.Exact ? [Unsynced, Estimated] : [Unsynced];

    public static string After(ClockAnchor anchor) => anchor.Exact ? Corrected : Estimated;
}

/// <summary>
/// Per-device sequence state. <see cref="UpTo"/>: highest contiguous seq stored; <see cref="MaxSeq"/>: highest seen;
/// <see cref="Missing"/>: seqs in 1..MaxSeq not stored (gaps, usually still in flight or lost).
/// <see cref="Dropped"/>: events the device itself dropped under its byte cap (stored as markers).
/// </summary>
public sealed record DeviceSequence(
    string DeviceId, long UpTo, long MaxSeq, long Stored, long Missing, long Dropped, DateTimeOffset LastReceivedAt);

/// <summary>Rating query: all fields optional; the time range is half-open [From, To) on the device's event time.</summary>
public sealed record RatingFilter(string? Counter = null, string? Field = null, string? DeviceId = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>Rating counts per level (1 = worst) plus how many were counted in the satisfied levels.</summary>
public sealed record RatingCounts(IReadOnlyDictionary<int, long> ByLevel, long Satisfied)
{
    public long Total => ByLevel.Values.Sum();

    /// <summary>Satisfaction index: share of ratings in the satisfied levels (0..1), null when there are none.</summary>
    public double? Index => Total == 0 ? null : (double)Satisfied / Total;
}

/// <summary>
/// What a device's event looks like once it is fit for a store: every string under the byte length an index can
/// hold (LiteDB refuses keys of 1023 bytes or more and fails the whole transaction; PostgreSQL's B-tree about 2700),
/// and uptime within <see cref="MaxUptimeMs"/>. Both stores pass every event through <see cref="Of"/>, so one hostile
/// event cannot poison a group commit, whatever checked it before.
/// </summary>
public static class StorableEvent
{
    /// <summary>UTF-8 bytes kept of a string that is (or may be) indexed: counter, run, field, ticket, kind, subject, state.</summary>
    public const int MaxKeyBytes = 256;

    /// <summary>UTF-8 bytes kept of the free text <see cref="DeviceEvent.Detail"/> (not indexed; kept small anyway).</summary>
    public const int MaxDetailBytes = 1000;

    /// <summary>Ten years: no host runs longer without a restart, and it keeps every time computed from uptime in range.</summary>
    public const long MaxUptimeMs = 10L * 366 * 24 * 3600 * 1000;

    public static DeviceEvent Of(DeviceEvent e)
    {
        var uptime = Math.Clamp(e.UptimeMs, 0, MaxUptimeMs);
        if (uptime == e.UptimeMs && Fits(e.Kind, MaxKeyBytes) && Fits(e.Counter, MaxKeyBytes) && Fits(e.Run, MaxKeyBytes)
            && Fits(e.Ticket, MaxKeyBytes) && Fits(e.Field, MaxKeyBytes) && Fits(e.Subject, MaxKeyBytes) && Fits(e.State, MaxKeyBytes)
            && Fits(e.Detail, MaxDetailBytes))
        {
            return e;
        }

        return e with
        {
            UptimeMs = uptime,
            Kind = Cap(e.Kind, MaxKeyBytes)!,
            Counter = Cap(e.Counter, MaxKeyBytes),
            Run = Cap(e.Run, MaxKeyBytes),
            Ticket = Cap(e.Ticket, MaxKeyBytes),
            Field = Cap(e.Field, MaxKeyBytes),
            Subject = Cap(e.Subject, MaxKeyBytes),
            State = Cap(e.State, MaxKeyBytes),
            Detail = Cap(e.Detail, MaxDetailBytes),
        };
    }

    /// <summary>True when <paramref name="text"/> takes at most <paramref name="maxBytes"/> in UTF-8 (null fits).</summary>
    public static bool Fits(string? text, int maxBytes) =>
        text is null || text.Length * 3 <= maxBytes || System.Text.Encoding.UTF8.GetByteCount(text) <= maxBytes;

    /// <summary>The longest prefix of whole characters that takes at most <paramref name="maxBytes"/> in UTF-8.</summary>
    public static string? Cap(string? text, int maxBytes)
    {
        if (Fits(text, maxBytes))
        {
            return text;
        }

        var bytes = 0;
        var end = 0;
        foreach (var rune in text!.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            end += rune.Utf16SequenceLength;
        }

        return text[..end];
    }
}

/// <summary>
/// A short hash of what a device said in an event, to tell a redelivery (same content) from a conflicting duplicate
/// (same seq, other content). The counter is left out on purpose: the fleet sets it from the registry, and a device
/// moved to another counter that resends an old event is redelivering, not conflicting.
/// </summary>
public static class EventFingerprint
{
    public static string Of(DeviceEvent e)
    {
        var text = string.Join('\u001f',
            e.Seq, e.Kind, e.At.UtcTicks, e.UptimeMs, e.Run, e.ClockSynced, e.Level, e.Scale, e.Suspect, e.Ticket, e.Field, e.Subject, e.State, e.Detail);
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..8]);
    }
}
