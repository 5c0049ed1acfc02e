namespace Edge.Device.Drivers.Tests.Rtc;

/// <summary>
/// A system clock for tests: a wall time that can be wrong and stepped (NTP), and monotonic time that only moves on
/// <see cref="Advance"/>. Not a FakeTimeProvider: that one moves its timestamp with every change of its wall time and
/// never goes back, so an NTP step would also move the RTC (which runs on the timestamp) and the anchor of
/// <see cref="Drivers.Rtc.RtcBackedClock"/>, and a step backwards could not be shown at all.
/// </summary>
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
