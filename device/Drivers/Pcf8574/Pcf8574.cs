using System.Device.I2c;

namespace Edge.Device.Drivers.Pcf8574;

/// <summary>
/// PCF8574 8-bit I2C port expander (the "I2C backpack" of character LCDs): every byte written sets the 8 pins P0–P7
/// at once; reading returns their levels.
/// </summary>
/// <remarks>
/// The pins are quasi-bidirectional: a 1 is a weak pull-up (so it can also be read as an input), a 0 sinks current.
/// Several bytes in one I2C write update the pins once per byte, each on its acknowledge; that is how the LCD driver
/// makes the enable pulses without a bus transaction per edge. Usual addresses: 0x27 (PCF8574), 0x3F (PCF8574A).
/// </remarks>
public sealed class Pcf8574 : IDisposable
{
    /// <summary>Usual address of a PCF8574 LCD backpack (A0–A2 high).</summary>
    public const int DefaultAddress = 0x27;

    private readonly I2cDevice _device;
    private readonly bool _shouldDispose;

    /// <summary>Uses <paramref name="device"/> (address 0x20–0x27, or 0x38–0x3F for the PCF8574A).</summary>
    public Pcf8574(I2cDevice device, bool shouldDispose = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
        _shouldDispose = shouldDispose;
    }

    /// <summary>The byte last written (the state of the pins as driven).</summary>
    public byte Output { get; private set; } = 0xFF;

    /// <summary>Sets P0–P7 to the bits of <paramref name="value"/> (bit 0 = P0).</summary>
    public void WriteByte(byte value)
    {
        _device.WriteByte(value);
        Output = value;
    }

    /// <summary>Sets the pins to each byte of <paramref name="states"/> in turn, in one I2C transaction.</summary>
    public void Write(ReadOnlySpan<byte> states)
    {
        if (states.IsEmpty)
        {
            return;
        }

        _device.Write(states);
        Output = states[^1];
    }

    /// <summary>Reads the levels of P0–P7 (bit 0 = P0).</summary>
    public byte ReadByte() => _device.ReadByte();

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_shouldDispose)
        {
            _device.Dispose();
        }
    }
}
