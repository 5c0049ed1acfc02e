using Edge.Device.Clock;
using Edge.Device.Drivers.Rtc;
using Edge.Device.Drivers.Simulation;
using Edge.Wire;

namespace Edge.Device.Tests.Clock;

public sealed class RtcClockTests
{
    [Fact]
    public void Events_stamped_while_the_clock_runs_from_the_RTC_carry_its_time_and_count_as_synchronised()
    {
        var trueTime = DateTime.UtcNow;
        var system = new SimulatedClock();
        system.Set(TimeSpan.FromHours(-9), synced: false); // a Pi after a power cut, without network
        var rtcClock = new RtcBackedClock(system, () => system.Synced, new Ds3231Clock(new VirtualDs3231(trueTime)));
        Assert.Equal(RtcStartResult.SynchronisedFromRtc, rtcClock.Start());
        var clock = new HostClock(rtcClock, new RtcClockSync(rtcClock));

        var rating = clock.Event(EventKinds.Rating);

        Assert.True(rating.ClockSynced);
        Assert.InRange(rating.At, new DateTimeOffset(trueTime) - TimeSpan.FromSeconds(1), new DateTimeOffset(trueTime) + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Without_a_usable_RTC_events_stay_unsynchronised()
    {
        var system = new SimulatedClock();
        system.Set(TimeSpan.FromHours(-9), synced: false);
        var rtcClock = new RtcBackedClock(system, () => system.Synced, new Ds3231Clock(new VirtualDs3231(DateTime.UtcNow) { OscillatorStopped = true }));
        rtcClock.Start();
        var clock = new HostClock(rtcClock, new RtcClockSync(rtcClock));

        Assert.False(clock.Event(EventKinds.Rating).ClockSynced);
    }

    [Fact]
    public void A_bad_rtc_kind_is_named_with_its_key()
    {
        Assert.Contains("Clock:Rtc must be none or ds3231 (got 'ds1307')", new ClockOptions { Rtc = "ds1307" }.Validate());
        Assert.Contains(new ClockOptions { RtcI2cAddress = 0x80 }.Validate(), e => e.StartsWith("Clock:RtcI2cAddress", StringComparison.Ordinal));
        Assert.Empty(new ClockOptions().Validate());
        Assert.Empty(new ClockOptions { Rtc = "ds3231" }.Validate());
    }
}
