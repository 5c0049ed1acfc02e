namespace Edge.Device.Clock;

/// <summary>
/// The simulated device's wall clock: the machine's clock plus an error, and a synchronised flag, both set from
/// outside the process (<c>POST /sim/clock</c>) to play a Pi that booted without an RTC and later reached NTP.
/// Starts synchronised with no error. Timers and timestamps are the system's; only the wall time is shifted.
/// </summary>
public sealed class SimulatedClock : TimeProvider, IClockSync
{
    private long _offsetTicks;
    private volatile bool _synced = true;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public bool Synced => _synced;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <summary>A clock that is <paramref name="offset"/> off and says whether it is synchronised (NTP steps it to 0).</summary>
    public void Set(TimeSpan offset, bool synced)
    {
        Interlocked.Exchange(ref _offsetTicks, offset.Ticks);
        _synced = synced;
    }
}
