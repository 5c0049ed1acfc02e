namespace Edge.Wire;

/// <summary>Payload of <c>edge/v1/{device}/events</c>: events in ascending seq order.</summary>
public sealed record EventBatch(string DeviceId, IReadOnlyList<DeviceEvent> Events);

/// <summary>
/// Payload of <c>edge/v1/{device}/ack</c>: every event with seq ≤ <see cref="UpTo"/> is durably stored by the fleet,
/// so the device may free it. <see cref="UpTo"/> is the highest contiguous seq stored (0 when none).
/// </summary>
public sealed record Ack(long UpTo);

/// <summary>
/// Payload of <c>edge/v1/{device}/status</c> (retained). The device publishes online at every connection;
/// the broker publishes the will (online false) when the connection drops. <see cref="Session"/> tells
/// a late will of an old connection from the current one. <see cref="LanAddress"/> is where the device serves its
/// centre's LAN (<c>Lan:Advertise</c>, else <c>Lan:Listen</c>), so that the fleet can tell the centre's other devices.
/// </summary>
public sealed record DeviceStatus(bool Online, string Session, DateTimeOffset At, string? HostVersion = null, string? LanAddress = null);

/// <summary>Payload of <c>edge/v1/{device}/health</c>: the device's heartbeat.</summary>
public sealed record HealthReport
{
    public required DateTimeOffset At { get; init; }
    public long UptimeS { get; init; }

    /// <summary>Uptime in milliseconds at <see cref="At"/>, in run <see cref="Run"/> (see <see cref="DeviceEvent.Run"/>).</summary>
    public long? UptimeMs { get; init; }

    public string? Run { get; init; }
    public double? CpuTempC { get; init; }
    public double? Load1 { get; init; }
    public long? MemAvailableMb { get; init; }
    public long? DiskFreeMb { get; init; }
    public long OutboxDepth { get; init; }
    public long OutboxBytes { get; init; }
    public double OldestUnackedAgeS { get; init; }
    public double DrainRatePerS { get; init; }
    public long LastAckedSeq { get; init; }
    public long DroppedEvents { get; init; }
    public bool ClockSynced { get; init; }
    public string? HostVersion { get; init; }
    public long? ConfigVersion { get; init; }

    /// <summary>State per peripheral: "printer" → "paper-out", "button:1" → "stuck", "display" → "ok".</summary>
    public IReadOnlyDictionary<string, string>? Peripherals { get; init; }

    /// <summary>
    /// Faults raised on the device now, each with a sentence: "disk" (the outbox cannot write: events are not being
    /// stored), "storage-corrupt" (the outbox file was damaged or lost and replaced). Null or absent: none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Faults { get; init; }
}
