using System.Device.I2c;
using Iot.Device.Rtc;

namespace Edge.Device.Drivers.Rtc;

/// <summary>
/// A DS3231 real-time clock holding UTC: the binding <c>Iot.Device.Rtc.Ds3231</c> reads and sets the time registers;
/// this adds the oscillator-stop flag, which says whether the time can be trusted at all.
/// </summary>
/// <remarks>
/// Datasheet: status register 0x0F bit 7 (OSF) is 1 after the oscillator stopped (first power-up, or the backup
/// battery was flat during a power cut) and stays 1 until written 0: the time registers then hold garbage.
/// The binding ignores it; <see cref="ReadUtc"/> returns null while it is set and <see cref="SetUtc"/> clears it.
/// </remarks>
public sealed class Ds3231Clock : IDisposable
{
    /// <summary>The DS3231's fixed I2C address.</summary>
    public const int DefaultAddress = Ds3231.DefaultI2cAddress;

    private const byte StatusRegister = 0x0F;
    private const byte OscillatorStopFlag = 0x80;

    private readonly I2cDevice _device;
    private readonly Ds3231 _rtc;

    /// <summary>Uses <paramref name="device"/> (address 0x68); disposes it with the clock.</summary>
    public Ds3231Clock(I2cDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
        _rtc = new Ds3231(device) { LocalTimeZone = TimeZoneInfo.Utc };
    }

    /// <summary>Whether the oscillator stopped since the time was last set (OSF): the time is not to be trusted.</summary>
    public bool OscillatorStopped => (ReadStatus() & OscillatorStopFlag) != 0;

    /// <summary>The time the RTC holds, as UTC; null if its oscillator stopped or its registers hold no valid date.</summary>
    public DateTimeOffset? ReadUtc()
    {
        if (OscillatorStopped)
        {
            return null;
        }

        try
        {
            return _rtc.DateTime.ToUniversalTime();
        }
        catch (ArgumentOutOfRangeException)
        {
            return null; // BCD fields out of range (month 0, day 32...): never set
        }
    }

    /// <summary>Sets the RTC to <paramref name="utc"/> (24-hour mode, years 2000–2099) and clears OSF.</summary>
    public void SetUtc(DateTimeOffset utc)
    {
        _rtc.DateTime = utc.ToUniversalTime();
        byte status = ReadStatus();
        _device.Write([StatusRegister, (byte)(status & ~OscillatorStopFlag)]);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _rtc.Dispose();
        _device.Dispose();
    }

    private byte ReadStatus()
    {
        Span<byte> status = stackalloc byte[1];
        _device.WriteRead([StatusRegister], status);
        return status[0];
    }
}
