using Edge.Wire;

namespace Edge.Fleet.Health;

/// <summary>One heartbeat as the fleet received it.</summary>
public sealed record HealthSample(string DeviceId, DateTimeOffset ReceivedAt, HealthReport Report);

/// <summary>
/// Where heartbeats are kept: the latest per device and a history bounded by age. Heartbeats are live data, not
/// events: losing the last few to a crash is acceptable, so implementations need not make each write durable.
/// Appending is idempotent: a heartbeat (same <see cref="HeartbeatIdentity.KeyOf"/>) already in the history is not
/// added again, because with an external broker every node receives and records every heartbeat. The latest only
/// moves forward (<see cref="HeartbeatBoard"/>'s order).
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

/// <summary>What makes a heartbeat the same heartbeat, whichever node received it and when.</summary>
public static class HeartbeatIdentity
{
    /// <summary>
    /// The report's run and uptime in milliseconds (unique within a device: a run never reports the same uptime
    /// twice); for hosts before runs, the device's own time and uptime in seconds.
    /// </summary>
    public static string KeyOf(HealthSample sample) => sample.Report is { Run: { } run, UptimeMs: { } uptimeMs }
        ? $"run:{run}:{uptimeMs}"
        : $"at:{sample.Report.At.UtcTicks}:{sample.Report.UptimeS}";
}
