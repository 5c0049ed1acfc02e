using Edge.Device.Drivers.Rtc;

namespace Edge.Device.Clock;

/// <summary>Synchronised when the system clock is, or while the wall clock runs from the RTC (see <see cref="RtcBackedClock"/>).</summary>
public sealed class RtcClockSync(RtcBackedClock clock) : IClockSync
{
    public bool Synced => clock.Synced;
}
