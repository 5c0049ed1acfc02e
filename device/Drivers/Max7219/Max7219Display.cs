using System.Device.Spi;
using Edge.Device.Drivers.SevenSegment;
using Binding = Iot.Device.Max7219.Max7219;

namespace Edge.Device.Drivers.Max7219;

/// <summary>
/// MAX7219 8-digit 7-segment displays over SPI, one or more chips daisy-chained: the binding
/// <c>Iot.Device.Max7219.Max7219</c> writes the registers (initialisation, intensity, one latch per digit register
/// for the whole chain); this adds 7-segment text in the chip's no-decode bit order and a test pattern.
/// </summary>
/// <remarks>
/// Device 0 is the chip whose DIN is wired to the Pi. Digit 0 (register 0x01) is the rightmost digit on the usual
/// 8-digit modules, so text is written from register 0x08 (left) to 0x01 (right). Thread-safe: one update at a time.
/// </remarks>
public sealed class Max7219Display : IDisposable
{
    /// <summary>Digits per chip.</summary>
    public const int Digits = Binding.NumDigits;

    private readonly Binding _chip;
    private readonly Lock _gate = new();
    private int _brightness = 7;

    /// <summary>Takes <paramref name="spi"/> (mode 0, ≤ 10 MHz; disposed with the display) and initialises the chain:
    /// scan limit 7, no decode, display test off, normal operation, intensity <paramref name="brightness"/>, digits blank.</summary>
    public Max7219Display(SpiDevice spi, int cascadedDevices = 1, int brightness = 7)
    {
        ArgumentNullException.ThrowIfNull(spi);
        ArgumentOutOfRangeException.ThrowIfLessThan(cascadedDevices, 1);
        _chip = new Binding(spi, cascadedDevices);
        _chip.Init();
        Brightness = brightness;
    }

    /// <summary>Chips in the chain.</summary>
    public int CascadedDevices => _chip.CascadedDevices;

    /// <summary>Intensity 0 (dimmest) to 15 (brightest), all chips; sent at once.</summary>
    public int Brightness
    {
        get => _brightness;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 15);
            lock (_gate)
            {
                _chip.Brightness(value);
                _brightness = value;
            }
        }
    }

    /// <summary>
    /// Shows <paramref name="segments"/> on chip <paramref name="deviceIndex"/>, left to right (segments[0] on register 0x08).
    /// Segment bytes as in <see cref="SevenSegmentFont"/> (bit 0 = A); at most 8; missing digits blank.
    /// </summary>
    public void WriteDigits(ReadOnlySpan<byte> segments, int deviceIndex = 0)
    {
        if (segments.Length > Digits)
        {
            throw new ArgumentOutOfRangeException(nameof(segments), $"A chip has {Digits} digits.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(deviceIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(deviceIndex, CascadedDevices);
        lock (_gate)
        {
            for (int i = 0; i < Digits; i++)
            {
                byte shape = i < segments.Length ? segments[i] : (byte)0;
                _chip[deviceIndex, Digits - 1 - i] = ToMax7219Order(shape);
            }

            _chip.Flush();
        }
    }

    /// <summary>Shows <paramref name="text"/> (0-9, A-F, '-', ' ', '.') right-aligned on chip <paramref name="deviceIndex"/>.</summary>
    public void Write(string text, int deviceIndex = 0) => WriteDigits(SevenSegmentFont.EncodeRightAligned(text, Digits), deviceIndex);

    /// <summary>Blanks every digit of every chip.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _chip.ClearAll();
        }
    }

    /// <summary>Lights every segment and point of every chip (the binding gives no access to the display-test register).</summary>
    public void ShowTestPattern()
    {
        lock (_gate)
        {
            for (int device = 0; device < CascadedDevices; device++)
            {
                for (int digit = 0; digit < Digits; digit++)
                {
                    _chip[device, digit] = 0xFF;
                }
            }

            _chip.Flush();
        }
    }

    /// <summary>Converts bit 0 = A … bit 6 = G, bit 7 = DP into the MAX7219 no-decode order D7 = DP, D6 = A … D0 = G.</summary>
    public static byte ToMax7219Order(byte segments)
    {
        int result = segments & 0x80;
        for (int bit = 0; bit < 7; bit++)
        {
            if ((segments & (1 << bit)) != 0)
            {
                result |= 1 << (6 - bit);
            }
        }

        return (byte)result;
    }

    /// <summary>The inverse of <see cref="ToMax7219Order"/>.</summary>
    public static byte FromMax7219Order(byte data) => ToMax7219Order(data); // the bit mirror of D6..D0 is its own inverse

    /// <inheritdoc/>
    public void Dispose() => _chip.Dispose();
}
