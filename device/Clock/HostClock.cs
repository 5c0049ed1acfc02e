using System.Diagnostics;
using Edge.Wire;

namespace Edge.Device.Clock;

/// <summary>
/// The device's one source of time for events and heartbeats. <see cref="Now"/> is the wall clock (wrong on an
/// RTC-less Pi until NTP syncs, and it jumps when it does), <see cref="UptimeMs"/> is monotonic since this host
/// started, and <see cref="Run"/> names this start. The fleet maps a run's uptime to true time through one anchor,
/// which is how it corrects the wall-clock times of events taken while <see cref="Synced"/> was false.
/// </summary>
public sealed class HostClock(TimeProvider wall, IClockSync sync)
{
    private readonly long _started = Stopwatch.GetTimestamp();

    /// <summary>A new id at every start of the host (8 hex digits).</summary>
    /// <remarks>
    /// From a version 4 Guid's leading random bytes (the system's secure random source on Linux): the same randomness
    /// as <c>RandomNumberGenerator</c> without loading System.Security.Cryptography and OpenSSL at every start.
    /// </remarks>
    public string Run { get; } = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray(), 0, 4);

    public long UptimeMs => (long)Stopwatch.GetElapsedTime(_started).TotalMilliseconds;

    public DateTimeOffset Now => wall.GetUtcNow();

    /// <summary>Whether <see cref="Now"/> is known to be right (the system says its clock is synchronised).</summary>
    public bool Synced => sync.Synced;

    /// <summary>The time of something happening now, every part taken together.</summary>
    public ClockReading Read() => new(Now, UptimeMs, Synced, Run);

    /// <summary>An unnumbered event of <paramref name="kind"/> happening now (the outbox numbers it).</summary>
    public DeviceEvent Event(string kind) => Read().Event(kind);
}

/// <summary>When something happened, as the device can tell it: see <see cref="HostClock"/>.</summary>
public readonly record struct ClockReading(DateTimeOffset At, long UptimeMs, bool Synced, string Run)
{
    public DeviceEvent Event(string kind) => new()
    {
        Seq = 0,
        Kind = kind,
        At = At,
        UptimeMs = UptimeMs,
        Run = Run,
        ClockSynced = Synced,
    };
}
