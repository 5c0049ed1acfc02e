using Edge.Device.Drivers.Rtc;
using Edge.Device.Drivers.Simulation;

namespace Edge.Device.Drivers.Tests.Rtc;

public class RtcBackedClockTests
{
    private static readonly DateTime TrueTime = new(2026, 11, 30, 8, 0, 0, DateTimeKind.Utc);

    // A Pi without network after a power cut starts from the time fake-hwclock saved at shutdown, hours behind.
    private readonly WallClock _system = new(new DateTimeOffset(2026, 11, 29, 22, 15, 0, TimeSpan.Zero));

    private RtcBackedClock NewClock(VirtualDs3231 chip) => new(_system, () => _system.Synced, new Ds3231Clock(chip));

    [Fact]
    public void An_unsynchronised_system_clock_runs_from_a_plausible_RTC_and_counts_as_synchronised()
    {
        var clock = NewClock(new VirtualDs3231(TrueTime, _system));

        Assert.Equal(RtcStartResult.SynchronisedFromRtc, clock.Start());

        Assert.True(clock.Synced);
        Assert.True(clock.FromRtc);
        Assert.Equal(new DateTimeOffset(TrueTime), clock.GetUtcNow());
        _system.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(new DateTimeOffset(TrueTime.AddMinutes(5)), clock.GetUtcNow());
    }

    [Fact]
    public void Once_NTP_synchronises_the_system_clock_is_used_again()
    {
        var clock = NewClock(new VirtualDs3231(TrueTime, _system));
        clock.Start();

        _system.Wall = new DateTimeOffset(TrueTime).AddSeconds(3); // NTP steps the clock
        _system.Synced = true;
        _system.Advance(TimeSpan.FromSeconds(2)); // past the once-a-second check

        Assert.Equal(new DateTimeOffset(TrueTime).AddSeconds(5), clock.GetUtcNow());
        Assert.True(clock.Synced);
        Assert.False(clock.FromRtc);
    }

    [Fact]
    public void An_RTC_whose_oscillator_stopped_is_not_used()
    {
        var clock = NewClock(new VirtualDs3231(TrueTime, _system) { OscillatorStopped = true });

        Assert.Equal(RtcStartResult.RtcTimeInvalid, clock.Start());

        Assert.False(clock.Synced);
        Assert.Equal(_system.Wall, clock.GetUtcNow());
    }

    [Fact]
    public void An_RTC_reading_a_date_before_2025_is_not_used()
    {
        var clock = NewClock(new VirtualDs3231(new DateTime(2000, 1, 1, 0, 0, 5, DateTimeKind.Utc), _system));

        Assert.Equal(RtcStartResult.RtcTimeImplausible, clock.Start());

        Assert.False(clock.Synced);
        Assert.Equal(_system.Wall, clock.GetUtcNow());
    }

    [Fact]
    public void A_system_clock_already_synchronised_is_kept_and_the_RTC_is_not_read()
    {
        var chip = new VirtualDs3231(TrueTime.AddHours(-1), _system);
        _system.Synced = true;
        var clock = NewClock(chip);

        Assert.Equal(RtcStartResult.SystemAlreadySynchronised, clock.Start());

        Assert.Equal(_system.Wall, clock.GetUtcNow());
        Assert.Empty(chip.Writes);
    }

    [Fact]
    public void The_RTC_is_set_from_the_system_clock_once_NTP_synchronised_then_once_a_day()
    {
        var chip = new VirtualDs3231(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), _system) { OscillatorStopped = true };
        var clock = NewClock(chip);
        clock.Start();

        Assert.Null(clock.WriteBackIfDue()); // never writes an unsynchronised time
        Assert.Equal(0, chip.TimeWrites);

        _system.Wall = new DateTimeOffset(TrueTime);
        _system.Synced = true;
        _system.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(new DateTimeOffset(TrueTime).AddSeconds(2), clock.WriteBackIfDue());
        Assert.Equal(TrueTime.AddSeconds(2), chip.Now);
        Assert.False(chip.OscillatorStopped);
        _system.Advance(TimeSpan.FromHours(23));
        Assert.Null(clock.WriteBackIfDue());
        _system.Advance(TimeSpan.FromHours(1));
        Assert.NotNull(clock.WriteBackIfDue());
        Assert.Equal(2, chip.TimeWrites);
    }

    [Fact]
    public void A_Pi_with_an_RTC_starts_with_a_right_clock_after_a_power_cut()
    {
        // Before the cut: NTP synchronised, the RTC is set.
        var chip = new VirtualDs3231(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), _system) { OscillatorStopped = true };
        _system.Wall = new DateTimeOffset(TrueTime);
        _system.Synced = true;
        NewClock(chip).WriteBackIfDue();

        // Six hours without power (the RTC runs on its battery); the Pi boots without network at its saved time.
        _system.Advance(TimeSpan.FromHours(6));
        _system.Wall = new DateTimeOffset(TrueTime);
        _system.Synced = false;
        var clock = NewClock(chip);

        Assert.Equal(RtcStartResult.SynchronisedFromRtc, clock.Start());
        Assert.Equal(new DateTimeOffset(TrueTime.AddHours(6)), clock.GetUtcNow());
        Assert.True(clock.Synced);
    }

    [Fact]
    public void An_RTC_that_does_not_answer_leaves_the_clock_unsynchronised()
    {
        var clock = new RtcBackedClock(_system, () => false, new Ds3231Clock(new SilentI2cDevice()));

        Assert.Equal(RtcStartResult.RtcUnreadable, clock.Start());
        Assert.False(clock.Synced);
    }

    [Fact]
    public void An_RTC_whose_bus_could_not_be_opened_is_the_system_clock_and_is_never_written()
    {
        var clock = new RtcBackedClock(_system, () => _system.Synced, rtc: null);

        Assert.Equal(RtcStartResult.RtcUnreadable, clock.Start());
        _system.Synced = true;
        Assert.Null(clock.WriteBackIfDue());
        Assert.Equal(_system.Wall, clock.GetUtcNow());
    }

    private sealed class SilentI2cDevice : System.Device.I2c.I2cDevice
    {
        public override System.Device.I2c.I2cConnectionSettings ConnectionSettings { get; } = new(1, 0x68);

        public override byte ReadByte() => throw new IOException("no ack");

        public override void Read(Span<byte> buffer) => throw new IOException("no ack");

        public override void WriteByte(byte value) => throw new IOException("no ack");

        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("no ack");

        public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => throw new IOException("no ack");
    }
}
