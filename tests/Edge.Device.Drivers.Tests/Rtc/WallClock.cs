namespace Edge.Device.Drivers.Tests.Rtc;

/// <summary>A system clock for tests: a wall time that can be wrong and stepped (NTP), and monotonic time that only moves on <see cref="Advance"/>.</summary>
internal sealed class WallClock(DateTimeOffset wall) : TimeProvider
{
    private long _ticks;

    public DateTimeOffset Wall { get; set; } = wall;

    public bool Synced { get; set; }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _ticks;

    public override DateTimeOffset GetUtcNow() => Wall;

    public void Advance(TimeSpan time)
    {
        _ticks += time.Ticks;
        Wall += time;
    }
}
