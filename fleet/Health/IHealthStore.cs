using Edge.Wire;

namespace Edge.Fleet.Health;

/// <summary>One heartbeat as the fleet received it.</summary>
public sealed record HealthSample(string DeviceId, DateTimeOffset ReceivedAt, HealthReport Report);

/// <summary>
/// Where heartbeats are kept: the latest per device and a history bounded by age. Heartbeats are live data, not
/// events: losing the last few to a crash is acceptable, so implementations need not make each write durable.
/// </summary>
public interface IHealthStore
{
    Task AppendAsync(IReadOnlyList<HealthSample> samples, CancellationToken cancellationToken);

    /// <summary>The latest heartbeat of every device that ever sent one.</summary>
    Task<IReadOnlyList<HealthSample>> LatestAsync(CancellationToken cancellationToken);

    /// <summary>A device's heartbeats received in [from, to), newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<HealthSample>> HistoryAsync(string deviceId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken);

    /// <summary>Forgets history received before <paramref name="before"/> (the latest per device stays); returns how many.</summary>
    Task<int> TrimAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
