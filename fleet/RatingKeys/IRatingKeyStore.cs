namespace Edge.Fleet.RatingKeys;

/// <summary>What the rating-key catalogue holds: counters and fields ratings named, and each device's counter.</summary>
public sealed record RatingKeySet(
    IReadOnlyCollection<string> Counters,
    IReadOnlyCollection<string> Fields,
    IReadOnlyDictionary<string, string> DeviceCounters)
{
    public static RatingKeySet Empty { get; } = new([], [], new Dictionary<string, string>());

    /// <summary>What one device's events named: its counter (if they named one) and the fields.</summary>
    public static RatingKeySet Of(string deviceId, string? counter, IReadOnlyCollection<string> fields) =>
        new(counter is null ? [] : [counter], fields, counter is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [deviceId] = counter });
}

/// <summary>
/// Where the rating-key catalogue (<see cref="RatingKeyCatalog"/>) is kept. Counters and fields only ever
/// grow; a device's counter is replaced by the last one it named.
/// </summary>
public interface IRatingKeyStore
{
    Task<RatingKeySet> LoadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Adds what devices' events named, in one write (<see cref="RatingKeySet.DeviceCounters"/> replace what the
    /// devices had); returns true when anything was new.
    /// </summary>
    Task<bool> LearnAsync(RatingKeySet learnt, CancellationToken cancellationToken);
}

/// <summary>What one device named, in the words of <see cref="IRatingKeyStore.LearnAsync"/>.</summary>
public static class RatingKeyStoreLearning
{
    /// <summary>Adds what one device's events named; returns true when anything was new.</summary>
    public static Task<bool> LearnAsync(
        this IRatingKeyStore store, string deviceId, string? counter, IReadOnlyCollection<string> fields, CancellationToken cancellationToken) =>
        store.LearnAsync(RatingKeySet.Of(deviceId, counter, fields), cancellationToken);
}
