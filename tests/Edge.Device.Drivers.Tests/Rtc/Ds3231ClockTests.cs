using Edge.Device.Drivers.Rtc;
using Edge.Device.Drivers.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Device.Drivers.Tests.Rtc;

public class Ds3231ClockTests
{
    private static readonly TimeProvider Frozen = new FakeTimeProvider(); // never advanced

    private static readonly DateTime Noon = new(2026, 11, 30, 12, 34, 56, DateTimeKind.Utc);

    [Fact]
    public void Setting_the_time_writes_BCD_registers_from_0x00_in_24_hour_mode_with_the_century_bit_then_clears_OSF()
    {
        var chip = new VirtualDs3231(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), Frozen) { OscillatorStopped = true };
        using var rtc = new Ds3231Clock(chip);

        rtc.SetUtc(new DateTimeOffset(2026, 11, 30, 19, 34, 56, TimeSpan.FromHours(7)));

        // Datasheet: 0x00 seconds, 0x01 minutes, 0x02 hours (bit 6 = 0: 24-hour), 0x03 day of week 1-7 (the binding: Sunday = 1, so Monday = 2), 0x04 date,
        // 0x05 month with bit 7 = century (2000-2099), 0x06 year; all BCD. UTC is stored: 19:34 at +07:00 is 12:34.
        Assert.Contains(chip.Writes, w => w.SequenceEqual(new byte[] { 0x00, 0x56, 0x34, 0x12, 0x02, 0x30, 0x91, 0x26 }));
        Assert.Equal([0x0F, 0x00], chip.Writes[^1]);
        Assert.False(chip.OscillatorStopped);
        Assert.Equal(Noon, chip.Now);
    }

    [Fact]
    public void Reading_returns_the_chips_time_as_UTC()
    {
        var chip = new VirtualDs3231(Noon, Frozen);
        using var rtc = new Ds3231Clock(chip);

        Assert.Equal(new DateTimeOffset(Noon), rtc.ReadUtc());
    }

    [Fact]
    public void A_stopped_oscillator_means_no_time()
    {
        var chip = new VirtualDs3231(Noon, Frozen) { OscillatorStopped = true };
        using var rtc = new Ds3231Clock(chip);

        Assert.True(rtc.OscillatorStopped);
        Assert.Null(rtc.ReadUtc());
    }
}
