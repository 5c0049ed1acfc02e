using System.Device.Spi;
using Edge.Device.Drivers.SevenSegment;

namespace Edge.Device.Drivers.Max7219;

/// <summary>MAX7219 registers (datasheet table 2).</summary>
public enum Max7219Register : byte
{
    NoOp = 0x00,
    Digit0 = 0x01,
    Digit7 = 0x08,
    DecodeMode = 0x09,
    Intensity = 0x0A,
    ScanLimit = 0x0B,
    Shutdown = 0x0C,
    DisplayTest = 0x0F,
}

/// <summary>
/// MAX7219 8-digit 7-segment driver over SPI, one or more chips daisy-chained; API shaped like
/// <c>Iot.Device.Max7219.Max7219</c>.
/// </summary>
/// <remarks>
/// Each SPI transfer (one chip-select period) carries one 16-bit frame, register byte then data byte, per chip;
/// the chips latch when CS rises. The first frame shifted out travels furthest, so a transfer lists the chips
/// from the last in the chain to the first (device 0 = the chip whose DIN is wired to the Pi).
/// Digits are used without BCD decode (decode mode 0), so any <see cref="SevenSegmentFont"/> character shows.
/// Digit 0 (register 0x01) is the rightmost digit on the usual 8-digit modules.
/// </remarks>
public sealed class Max7219 : IDisposable
{
    /// <summary>Digits per chip.</summary>
    public const int Digits = 8;

    /// <summary>Fastest SPI clock the chip accepts: 10 MHz.</summary>
    public const int MaxClockFrequency = 10_000_000;

    private readonly SpiDevice _spi;
    private readonly bool _shouldDispose;
    private readonly object _gate = new();
    private int _brightness = 7;

    /// <summary>Uses <paramref name="spi"/>; call <see cref="Init"/> before showing anything.</summary>
    /// <param name="spi">SPI device, mode 0, ≤ 10 MHz.</param>
    /// <param name="cascadedDevices">Chips in the chain, ≥ 1.</param>
    /// <param name="shouldDispose">Dispose <paramref name="spi"/> with the display.</param>
    public Max7219(SpiDevice spi, int cascadedDevices = 1, bool shouldDispose = true)
    {
        ArgumentNullException.ThrowIfNull(spi);
        ArgumentOutOfRangeException.ThrowIfLessThan(cascadedDevices, 1);
        _spi = spi;
        CascadedDevices = cascadedDevices;
        _shouldDispose = shouldDispose;
    }

    /// <summary>Chips in the chain.</summary>
    public int CascadedDevices { get; }

    /// <summary>Intensity 0 (dimmest) to 15 (brightest), all chips; sent at once.</summary>
    public int Brightness
    {
        get => _brightness;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 15);
            _brightness = value;
            SetRegister(Max7219Register.Intensity, (byte)value);
        }
    }

    /// <summary>
    /// Puts every chip in a known state: decode mode none, intensity <see cref="Brightness"/>, scan limit all 8 digits,
    /// shutdown register 1 (normal operation), display test off; then blanks the digits.
    /// </summary>
    public void Init()
    {
        SetRegister(Max7219Register.DecodeMode, 0x00);
        SetRegister(Max7219Register.Intensity, (byte)_brightness);
        SetRegister(Max7219Register.ScanLimit, Digits - 1);
        SetRegister(Max7219Register.Shutdown, 0x01);
        SetRegister(Max7219Register.DisplayTest, 0x00);
        Clear();
    }

    /// <summary>Writes <paramref name="data"/> to <paramref name="register"/> of every chip, in one latch.</summary>
    public void SetRegister(Max7219Register register, byte data)
    {
        Span<byte> perDevice = stackalloc byte[CascadedDevices];
        perDevice.Fill(data);
        SetRegister(register, perDevice);
    }

    /// <summary>Writes <paramref name="register"/> of each chip: <paramref name="dataPerDevice"/>[d] to device d, in one latch.</summary>
    public void SetRegister(Max7219Register register, ReadOnlySpan<byte> dataPerDevice)
    {
        if (dataPerDevice.Length != CascadedDevices)
        {
            throw new ArgumentException($"Expected one byte per chip ({CascadedDevices}).", nameof(dataPerDevice));
        }

        Span<byte> transfer = stackalloc byte[2 * CascadedDevices];
        for (int device = 0; device < CascadedDevices; device++)
        {
            int slot = CascadedDevices - 1 - device;
            transfer[2 * slot] = (byte)register;
            transfer[(2 * slot) + 1] = dataPerDevice[device];
        }

        lock (_gate)
        {
            _spi.Write(transfer);
        }
    }

    /// <summary>Writes <paramref name="register"/> of chip <paramref name="deviceIndex"/> only (no-op frames for the others).</summary>
    public void SetRegister(int deviceIndex, Max7219Register register, byte data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(deviceIndex, CascadedDevices);
        Span<byte> transfer = stackalloc byte[2 * CascadedDevices];
        int slot = CascadedDevices - 1 - deviceIndex;
        transfer[2 * slot] = (byte)register;
        transfer[(2 * slot) + 1] = data;
        lock (_gate)
        {
            _spi.Write(transfer);
        }
    }

    /// <summary>
    /// Shows <paramref name="segments"/> on chip <paramref name="deviceIndex"/>, left to right: segments[0] on the leftmost
    /// digit (register 0x08). Segment bytes as in <see cref="SevenSegmentFont"/> (bit 0 = A); at most 8; missing digits blank.
    /// </summary>
    public void WriteDigits(ReadOnlySpan<byte> segments, int deviceIndex = 0)
    {
        if (segments.Length > Digits)
        {
            throw new ArgumentOutOfRangeException(nameof(segments), $"A chip has {Digits} digits.");
        }

        for (int i = 0; i < Digits; i++)
        {
            byte shape = i < segments.Length ? segments[i] : (byte)0;
            SetRegister(deviceIndex, (Max7219Register)((byte)Max7219Register.Digit7 - i), ToMax7219Order(shape));
        }
    }

    /// <summary>Shows <paramref name="text"/> (0-9, A-F, '-', ' ', '.') right-aligned on chip <paramref name="deviceIndex"/>.</summary>
    public void Write(string text, int deviceIndex = 0) => WriteDigits(SevenSegmentFont.EncodeRightAligned(text, Digits), deviceIndex);

    /// <summary>Blanks every digit of every chip.</summary>
    public void Clear()
    {
        for (int digit = 0; digit < Digits; digit++)
        {
            SetRegister((Max7219Register)((byte)Max7219Register.Digit0 + digit), 0x00);
        }
    }

    /// <summary>Display test on every chip (all segments lit at full intensity) or back to normal.</summary>
    public void ShowTestPattern(bool on) => SetRegister(Max7219Register.DisplayTest, on ? (byte)1 : (byte)0);

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
    public void Dispose()
    {
        if (_shouldDispose)
        {
            _spi.Dispose();
        }
    }
}
