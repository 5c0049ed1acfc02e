using System.Diagnostics;
using System.Drawing;
using Edge.Device.Drivers.Text;

namespace Edge.Device.Drivers.Hd44780;

/// <summary>
/// HD44780 character LCD in 4-bit mode behind a PCF8574 I2C backpack; API shaped like <c>Iot.Device.CharacterLcd.Hd44780</c>.
/// </summary>
/// <remarks>
/// Backpack pin map (the usual one): P0 RS, P1 RW, P2 E, P3 backlight, P4–P7 D4–D7. Every byte goes as two nibbles,
/// high first; each nibble is three expander states in one I2C write: E low, E high, E low (the LCD latches on E's
/// falling edge). At 100 kHz each expander state lasts about 90 µs, longer than the 450 ns enable pulse and the 37 µs
/// most commands take; clear and home wait 2 ms. Text is shown without Vietnamese diacritics (the ROM font lacks them).
/// Not thread-safe across calls: one writer (the display loop) at a time, or lock outside.
/// </remarks>
public class Hd44780 : IDisposable
{
    private const byte RegisterSelect = 0x01;
    private const byte Enable = 0x04;
    private const byte Backlight = 0x08;

    private const byte ClearDisplay = 0x01;
    private const byte ReturnHome = 0x02;
    private const byte EntryModeIncrement = 0x06;
    private const byte DisplayControl = 0x08;
    private const byte DisplayOnFlag = 0x04;
    private const byte FunctionSet4Bit2Lines5x8 = 0x28;
    private const byte SetDdramAddress = 0x80;

    private static readonly byte[] RowOffsets = [0x00, 0x40, 0x14, 0x54];

    private readonly Pcf8574.Pcf8574 _backpack;
    private readonly bool _shouldDispose;
    private bool _backlightOn;
    private bool _displayOn = true;

    /// <summary>Initialises the LCD in 4-bit mode (takes about 60 ms: the datasheet's power-up waits).</summary>
    /// <param name="size">Columns × rows: 16×2 or 20×4 (rows 1–4 start at DDRAM 0x00, 0x40, 0x14, 0x54).</param>
    /// <param name="backpack">The PCF8574 the LCD hangs on.</param>
    /// <param name="shouldDispose">Dispose <paramref name="backpack"/> with the LCD.</param>
    /// <param name="backlightOn">Backlight state from the start.</param>
    public Hd44780(Size size, Pcf8574.Pcf8574 backpack, bool shouldDispose = true, bool backlightOn = true)
    {
        ArgumentNullException.ThrowIfNull(backpack);
        if (size.Width is < 1 or > 40 || size.Height is < 1 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "An HD44780 has 1–40 columns and 1–4 rows.");
        }

        Size = size;
        _backpack = backpack;
        _shouldDispose = shouldDispose;
        _backlightOn = backlightOn;
        Initialize();
    }

    /// <summary>Columns × rows.</summary>
    public Size Size { get; }

    /// <summary>Backlight (P3 of the backpack); sent at once.</summary>
    public bool BacklightOn
    {
        get => _backlightOn;
        set
        {
            _backlightOn = value;
            _backpack.WriteByte(value ? Backlight : (byte)0);
        }
    }

    /// <summary>Display on (characters shown) or off (kept in memory); sent at once.</summary>
    public bool DisplayOn
    {
        get => _displayOn;
        set
        {
            _displayOn = value;
            SendCommand((byte)(DisplayControl | (value ? DisplayOnFlag : 0)));
        }
    }

    /// <summary>Blanks the display and puts the cursor at 0,0 (waits 2 ms: the datasheet's 1.52 ms).</summary>
    public void Clear()
    {
        SendCommand(ClearDisplay);
        Wait(TimeSpan.FromMilliseconds(2));
    }

    /// <summary>Puts the cursor at 0,0 (waits 2 ms).</summary>
    public void Home()
    {
        SendCommand(ReturnHome);
        Wait(TimeSpan.FromMilliseconds(2));
    }

    /// <summary>Moves the cursor to column <paramref name="left"/> (0-based) of row <paramref name="top"/> (0-based).</summary>
    public void SetCursorPosition(int left, int top)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(left);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(left, Size.Width);
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(top, Size.Height);
        SendCommand((byte)(SetDdramAddress | (RowOffsets[top] + left)));
    }

    /// <summary>
    /// Writes <paramref name="text"/> at the cursor, without wrapping. Vietnamese is folded to ASCII
    /// ("Quầy số 3" → "Quay so 3"); other characters outside printable ASCII show as '?'.
    /// </summary>
    public void Write(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string folded = VietnameseText.FoldToAscii(text);
        Span<byte> codes = folded.Length <= 80 ? stackalloc byte[folded.Length] : new byte[folded.Length];
        for (int i = 0; i < folded.Length; i++)
        {
            char c = folded[i];
            codes[i] = c is >= ' ' and <= '}' ? (byte)c : (byte)'?';
        }

        Write(codes);
    }

    /// <summary>Writes character codes of the LCD's ROM at the cursor.</summary>
    public void Write(ReadOnlySpan<byte> characterCodes)
    {
        foreach (byte code in characterCodes)
        {
            Send(code, RegisterSelect);
        }
    }

    /// <summary>Shows one line per row, each cut or padded to the width (a convenience for counter screens).</summary>
    public void ShowLines(params string[] lines)
    {
        for (int row = 0; row < Size.Height; row++)
        {
            string line = row < lines.Length ? lines[row] : "";
            SetCursorPosition(0, row);
            string folded = VietnameseText.FoldToAscii(line);
            Write(folded.Length >= Size.Width ? folded[..Size.Width] : folded.PadRight(Size.Width));
        }
    }

    /// <summary>Every cell shows the full block (0xFF), a test pattern for technicians.</summary>
    public void ShowTestPattern()
    {
        for (int row = 0; row < Size.Height; row++)
        {
            SetCursorPosition(0, row);
            for (int col = 0; col < Size.Width; col++)
            {
                Send(0xFF, RegisterSelect);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the backpack if this LCD owns it.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && _shouldDispose)
        {
            _backpack.Dispose();
        }
    }

    // Datasheet figure 24, "initializing by instruction", 4-bit interface.
    private void Initialize()
    {
        _backpack.WriteByte(BacklightBit);
        Wait(TimeSpan.FromMilliseconds(50)); // > 40 ms after VCC rises to 2.7 V
        SendNibble(0x3, 0);
        Wait(TimeSpan.FromMilliseconds(5)); // > 4.1 ms
        SendNibble(0x3, 0);
        Wait(TimeSpan.FromMilliseconds(1)); // > 100 µs
        SendNibble(0x3, 0);
        Wait(TimeSpan.FromMilliseconds(1));
        SendNibble(0x2, 0); // 4-bit interface from here on
        SendCommand(FunctionSet4Bit2Lines5x8);
        SendCommand(DisplayControl); // display off
        Clear();
        SendCommand(EntryModeIncrement);
        SendCommand(DisplayControl | DisplayOnFlag);
    }

    private byte BacklightBit => _backlightOn ? Backlight : (byte)0;

    private void SendCommand(byte command) => Send(command, 0);

    private void Send(byte value, byte registerSelect)
    {
        byte control = (byte)(registerSelect | BacklightBit);
        byte high = (byte)((value & 0xF0) | control);
        byte low = (byte)(((value << 4) & 0xF0) | control);
        _backpack.Write([high, (byte)(high | Enable), high, low, (byte)(low | Enable), low]);
    }

    private void SendNibble(byte nibble, byte registerSelect)
    {
        byte state = (byte)((nibble << 4) | registerSelect | BacklightBit);
        _backpack.Write([state, (byte)(state | Enable), state]);
    }

    private static void Wait(TimeSpan time)
    {
        if (time >= TimeSpan.FromMilliseconds(1))
        {
            Thread.Sleep(time);
            return;
        }

        long end = Stopwatch.GetTimestamp() + (long)(time.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            Thread.SpinWait(10);
        }
    }
}

/// <summary>16×2 HD44780 LCD on a PCF8574 backpack.</summary>
public sealed class Lcd1602(Pcf8574.Pcf8574 backpack, bool shouldDispose = true, bool backlightOn = true)
    : Hd44780(new Size(16, 2), backpack, shouldDispose, backlightOn);

/// <summary>20×4 HD44780 LCD on a PCF8574 backpack.</summary>
public sealed class Lcd2004(Pcf8574.Pcf8574 backpack, bool shouldDispose = true, bool backlightOn = true)
    : Hd44780(new Size(20, 4), backpack, shouldDispose, backlightOn);
