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
