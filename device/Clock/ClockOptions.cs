using Edge.Device.Configuration;
using Edge.Device.Drivers.Rtc;
using Edge.Hosting;

namespace Edge.Device.Clock;

/// <summary>The clock (section "Clock"): a battery-backed RTC, if one is fitted.</summary>
public sealed class ClockOptions : ICheckedOptions
{
    public const string Section = "Clock";

    /// <summary>"none" (default) or "ds3231". Ignored with --simulate (the simulated clock is set over /sim/clock).</summary>
    public string Rtc { get; set; } = "none";

    /// <summary>I2C bus of the RTC (1 on a Pi: GPIO 2 SDA, GPIO 3 SCL).</summary>
    public int RtcI2cBus { get; set; } = 1;

    /// <summary>I2C address of the RTC (the DS3231's is fixed at 0x68).</summary>
    public int RtcI2cAddress { get; set; } = Ds3231Clock.DefaultAddress;

    public bool HasRtc => Rtc == "ds3231";

    public IEnumerable<string> Validate()
    {
        if (Rtc is not ("none" or "ds3231"))
        {
            yield return $"{Section}:Rtc must be none or ds3231 (got '{Rtc}')";
        }

        if (RtcI2cBus < 0)
        {
            yield return $"{Section}:RtcI2cBus must be 0 or more (got {RtcI2cBus})";
        }

        if (RtcI2cAddress is < 0x03 or > 0x77)
        {
            yield return $"{Section}:RtcI2cAddress must be a 7-bit address 0x03-0x77 (got {RtcI2cAddress})";
        }
    }
}
