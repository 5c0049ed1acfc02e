using System.Diagnostics;

namespace Edge.Device;

/// <summary>Monotonic time since this host started (wall-clock time jumps when an RTC-less Pi syncs NTP).</summary>
public sealed class HostClock
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public long UptimeMs => (long)Stopwatch.GetElapsedTime(_started).TotalMilliseconds;
}
