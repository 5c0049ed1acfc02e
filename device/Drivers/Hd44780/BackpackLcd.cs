using System.Device.Gpio;
using System.Device.I2c;
using System.Drawing;
using Edge.Device.Drivers.Text;
using Iot.Device.CharacterLcd;
using Iot.Device.Pcx857x;

namespace Edge.Device.Drivers.Hd44780;

/// <summary>
/// An HD44780 character LCD (16×2 or 20×4) on a PCF8574 I2C backpack: the bindings do the work
/// (<c>Iot.Device.Pcx857x.Pcf8574</c> as a GPIO driver, <c>LcdInterface.CreateGpio</c> in 4-bit mode with the usual
/// backpack pin map, <c>Iot.Device.CharacterLcd.Hd44780</c>); this adds text without Vietnamese diacritics, whole-screen
/// lines, a test pattern, and remembers the backlight (the binding reads it back from the expander, which fails on an output pin).
/// </summary>
/// <remarks>Not thread-safe: one writer (the display loop) at a time, or lock outside.</remarks>
public sealed class BackpackLcd : IDisposable
{
    /// <summary>Backpack pin map: P0 RS, P1 RW, P2 E, P3 backlight, P4–P7 D4–D7.</summary>
    public const int RegisterSelectPin = 0, ReadWritePin = 1, EnablePin = 2, BacklightPin = 3;

    /// <summary>Usual address of a PCF8574 LCD backpack (0x3F with the PCF8574A).</summary>
    public const int DefaultAddress = 0x27;

    private static readonly int[] DataPins = [4, 5, 6, 7];

    private readonly Iot.Device.CharacterLcd.Hd44780 _lcd;
    private bool _backlightOn;

    /// <summary>Initialises the LCD in 4-bit mode (about 60 ms: the datasheet's power-up waits) and clears it.</summary>
    /// <param name="device">The backpack's I2C device; disposed with the LCD.</param>
    /// <param name="size">16×2 or 20×4 (rows start at DDRAM 0x00, 0x40, 0x14, 0x54).</param>
    /// <param name="backlightOn">Backlight state from the start.</param>
    public BackpackLcd(I2cDevice device, Size size, bool backlightOn = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (size.Width is < 1 or > 40 || size.Height is not (1 or 2 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "An HD44780 has 1–40 columns and 1, 2 or 4 rows.");
        }

        var pins = new GpioController(new Pcf8574(device));
        var lcdInterface = LcdInterface.CreateGpio(
            RegisterSelectPin, EnablePin, DataPins, BacklightPin, backlightOn ? 1f : 0f, ReadWritePin, pins, shouldDispose: true);
        _lcd = new Iot.Device.CharacterLcd.Hd44780(size, lcdInterface);
        _backlightOn = backlightOn;

        // The binding's own clear waits 1 ms; the datasheet asks > 1.52 ms, which Clear() waits.
        _lcd.Clear();
    }

    /// <summary>A 16×2 LCD on the backpack at <paramref name="device"/>.</summary>
    public static BackpackLcd Lcd1602(I2cDevice device, bool backlightOn = true) => new(device, new Size(16, 2), backlightOn);

    /// <summary>A 20×4 LCD on the backpack at <paramref name="device"/>.</summary>
    public static BackpackLcd Lcd2004(I2cDevice device, bool backlightOn = true) => new(device, new Size(20, 4), backlightOn);

    /// <summary>Columns × rows.</summary>
    public Size Size => _lcd.Size;

    /// <summary>Backlight (P3 of the backpack); sent at once.</summary>
    public bool BacklightOn
    {
        get => _backlightOn;
        set
        {
            _lcd.BacklightOn = value;
            _backlightOn = value;
        }
    }

    /// <summary>Display on (characters shown) or off (kept in memory); sent at once.</summary>
    public bool DisplayOn
    {
        get => _lcd.DisplayOn;
        set => _lcd.DisplayOn = value;
    }

    /// <summary>Blanks the display and puts the cursor at 0,0 (waits 2 ms: the datasheet's 1.52 ms).</summary>
    public void Clear() => _lcd.Clear();

    /// <summary>Puts the cursor at 0,0 (waits 1.52 ms).</summary>
    public void Home() => _lcd.Home();

    /// <summary>Moves the cursor to column <paramref name="left"/> (0-based) of row <paramref name="top"/> (0-based).</summary>
    public void SetCursorPosition(int left, int top)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(left);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(left, Size.Width);
        _lcd.SetCursorPosition(left, top);
    }

    /// <summary>
    /// Writes <paramref name="text"/> at the cursor, without wrapping. Vietnamese is folded to ASCII
    /// ("Quầy số 3" → "Quay so 3"); other characters outside ASCII 0x20–0x7D show as '?' (0x7E is → in ROM A00).
    /// </summary>
    public void Write(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string folded = VietnameseText.FoldToAscii(text);
        Span<char> codes = folded.Length <= 80 ? stackalloc char[folded.Length] : new char[folded.Length];
        for (int i = 0; i < folded.Length; i++)
        {
            char c = folded[i];
            codes[i] = c is >= ' ' and <= '}' ? c : '?';
        }

        _lcd.Write(codes);
    }

    /// <summary>Shows one line per row, each cut or padded to the width.</summary>
    public void ShowLines(params string[] lines)
    {
        for (int row = 0; row < Size.Height; row++)
        {
            string line = row < lines.Length ? VietnameseText.FoldToAscii(lines[row]) : "";
            SetCursorPosition(0, row);
            Write(line.Length >= Size.Width ? line[..Size.Width] : line.PadRight(Size.Width));
        }
    }

    /// <summary>Every cell shows the full block (ROM code 0xFF), a test pattern for technicians.</summary>
    public void ShowTestPattern()
    {
        var block = new string('\u00FF', Size.Width);
        for (int row = 0; row < Size.Height; row++)
        {
            SetCursorPosition(0, row);
            _lcd.Write(block);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _lcd.Dispose();
}
