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

    /// <summary>Counts of ratings per level matching the filter (suspect presses excluded).</summary>
    Task<RatingCounts> CountRatingsAsync(RatingFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// Places in time the ratings of <see cref="ClockAnchor.Run"/> that the device stamped with an unsynchronised clock:
    /// their time becomes the anchor's plus the uptime between them. An estimated anchor moves only ratings not placed
    /// yet; an exact one also those placed by an estimate. Durable when the task completes; returns how many moved.
    /// </summary>
    Task<long> PlaceInTimeAsync(ClockAnchor anchor, CancellationToken cancellationToken);
}

/// <summary>
/// True time <see cref="At"/> of the moment the device's monotonic clock read <see cref="UptimeMs"/> in run
/// <see cref="Run"/>. Exact when the device's own clock was synchronised; estimated when the fleet took the arrival
/// time of a live heartbeat (off by the network delay, typically milliseconds).
/// </summary>
public sealed record ClockAnchor(string DeviceId, string Run, DateTimeOffset At, long UptimeMs, bool Exact)
{
    /// <summary>The true time of the moment the same run's uptime read <paramref name="uptimeMs"/>.</summary>
    public DateTime TimeOf(long uptimeMs) => (At + TimeSpan.FromMilliseconds(uptimeMs - UptimeMs)).UtcDateTime;
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
