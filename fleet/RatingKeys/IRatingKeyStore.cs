namespace Edge.Fleet.RatingKeys;

/// <summary>What the rating-key catalogue holds: counters and fields ratings named, and each device's counter.</summary>
public sealed record RatingKeySet(
    IReadOnlyCollection<string> Counters,
    IReadOnlyCollection<string> Fields,
    IReadOnlyDictionary<string, string> DeviceCounters)
{
    public static RatingKeySet Empty { get; } = new([], [], new Dictionary<string, string>());
}

/// <summary>
/// Where the rating-key catalogue (<see cref="RatingKeyCatalog"/>) is kept. Counters and fields only ever
/// grow; a device's counter is replaced by the last one it named.
/// </summary>
public interface IRatingKeyStore
{
    Task<RatingKeySet> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Adds what one device's events named; returns true when anything was new.</summary>
    Task<bool> LearnAsync(string deviceId, string? counter, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);
}
