using Edge.Wire;

namespace Edge.Fleet.Health;

/// <summary>
/// One device in <c>GET /api/v1/health</c>: <see cref="Reason"/> is why it counts as online or offline
/// (connected, disconnected, silent: no heartbeat nor events for 3 intervals, never-seen); <see cref="Printer"/> is
/// the printer's state from the latest heartbeat, null when the device has no printer.
/// </summary>
public sealed record DeviceHealthView(
    string Id,
    string? Centre,
    string? Counter,
    bool Online,
    string Reason,
    DateTimeOffset? LastSeen,
    DateTimeOffset? LastHeartbeat,
    long? OutboxDepth,
    double? OldestUnackedAgeS,
    string? Printer,
    bool? ClockSynced,
    long? DiskFreeMb,
    double? CpuTempC,
    string? HostVersion,
    long UpTo,
    long Missing,
    IReadOnlyDictionary<string, string>? Peripherals)
{
    public static DeviceHealthView From(DeviceHealth d)
    {
        var report = d.Latest?.Report;
        return new DeviceHealthView(
            d.Id,
            d.Centre,
            d.Counter,
            d.Liveness.Online,
            d.Liveness.Reason,
            d.Liveness.LastSeen,
            d.Latest?.ReceivedAt,
            report?.OutboxDepth,
            report?.OldestUnackedAgeS,
            report?.Peripherals?.GetValueOrDefault("printer"),
            report?.ClockSynced,
            report?.DiskFreeMb,
            report?.CpuTempC,
            report?.HostVersion,
            d.Sequence?.UpTo ?? 0,
            d.Sequence?.Missing ?? 0,
            report?.Peripherals);
    }
}

/// <summary>A heartbeat in a device's history: when the fleet received it and what it said.</summary>
public sealed record HealthPoint(DateTimeOffset ReceivedAt, HealthReport Report);

/// <summary><c>GET /api/v1/health/{device}</c>: its summary, latest heartbeat and history (newest first).</summary>
public sealed record DeviceHealthDetail(DeviceHealthView Device, HealthReport? Latest, List<HealthPoint> History);
