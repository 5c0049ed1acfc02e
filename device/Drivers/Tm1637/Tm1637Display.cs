using System.Device.Gpio;
using Edge.Device.Drivers.SevenSegment;
using Binding = Iot.Device.Tm16xx.Tm1637;

namespace Edge.Device.Drivers.Tm1637;

/// <summary>
/// A TM1637 4- or 6-digit 7-segment display: the binding <c>Iot.Device.Tm16xx.Tm1637</c> speaks the protocol, on
/// <see cref="Tm1637Lines"/> (open-drain DIO, settle time, acknowledges counted); this adds text and the acknowledge check.
/// </summary>
/// <remarks>Thread-safe: one update at a time.</remarks>
public sealed class Tm1637Display : IDisposable
{
    /// <summary>Positions the chip addresses (4-digit modules use the first 4).</summary>
    public const int MaxCharacters = 6;

    /// <summary>Default wait after each line change: 50 µs, as common drivers use per bit phase.</summary>
    public static readonly TimeSpan DefaultSettleTime = TimeSpan.FromTicks(500);

    private readonly Binding _chip;
    private readonly Tm1637Lines _lines;
    private readonly GpioController _gpio;
    private readonly int _pinClk;
    private readonly int _pinDio;
    private readonly bool _shouldDispose;
    private readonly Lock _gate = new();
    private bool _acknowledged = true;
    private bool _disposed;

    /// <summary>Opens CLK (push-pull) and DIO (open drain), both idle high.</summary>
    /// <param name="pinClk">Logical GPIO of CLK.</param>
    /// <param name="pinDio">Logical GPIO of DIO.</param>
    /// <param name="gpio">The controller the pins belong to.</param>
    /// <param name="shouldDispose">Dispose <paramref name="gpio"/> with the display.</param>
    /// <param name="settleTime">Wait after each line change, ≥ 0; default <see cref="DefaultSettleTime"/>. Zero for tests.
    /// The wait spins (sleeping cannot wait microseconds).</param>
    public Tm1637Display(int pinClk, int pinDio, GpioController gpio, bool shouldDispose = true, TimeSpan? settleTime = null)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        TimeSpan settle = settleTime ?? DefaultSettleTime;
        ArgumentOutOfRangeException.ThrowIfLessThan(settle, TimeSpan.Zero, nameof(settleTime));
        _gpio = gpio;
        _pinClk = pinClk;
        _pinDio = pinDio;
        _shouldDispose = shouldDispose;
        _lines = new Tm1637Lines(gpio, pinDio, settle);
        _chip = new Binding(pinClk, pinDio, new GpioController(_lines), shouldDispose: true);

        // The binding computes its display control byte only when brightness or on/off are set (and its
        // waitForNextDisplay skips that too): without this, every update would end with 0x00 and leave the display dark.
        Update(() => _chip.SetScreen(7, screenOn: true));
    }

    /// <summary>Brightness 0 (dimmest) to 7 (brightest).</summary>
    public byte Brightness => _chip.ScreenBrightness;

    /// <summary>Display on or off.</summary>
    public bool ScreenOn => _chip.IsScreenOn;

    /// <summary>True if the chip acknowledged every byte of the last update: false means no display on the pins.</summary>
    public bool Acknowledged
    {
        get
        {
            lock (_gate)
            {
                return _acknowledged;
            }
        }
    }

    /// <summary>Sets brightness (0–7) and on/off; sent at once (the binding also re-sends the first position).</summary>
    public void SetScreen(byte brightness, bool on = true)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(brightness, (byte)7);
        Update(() => _chip.SetScreen(brightness, on));
    }

    /// <summary>Shows <paramref name="segments"/> from the first position (bit 0 = A … bit 6 = G, bit 7 = point/colon;
    /// see <see cref="SevenSegmentFont"/>); the positions after them are blanked. At most <see cref="MaxCharacters"/> bytes.</summary>
    public void Display(ReadOnlySpan<byte> segments)
    {
        if (segments.Length > MaxCharacters)
        {
            throw new ArgumentOutOfRangeException(nameof(segments), $"The chip has {MaxCharacters} positions.");
        }

        byte[] copy = segments.ToArray();
        Update(() => _chip.Display(copy.AsSpan()));
    }

    /// <summary>Shows <paramref name="text"/> (0-9, A-F, '-', ' ', '.') right-aligned on <paramref name="digits"/> digits.</summary>
    public void Display(string text, int digits = 4) => Display(SevenSegmentFont.EncodeRightAligned(text, digits));

    /// <summary>Blanks all positions.</summary>
    public void Clear() => Update(_chip.ClearDisplay);

    /// <summary>Lights every segment of every position (a test pattern for technicians).</summary>
    public void ShowTestPattern()
    {
        Span<byte> all = stackalloc byte[MaxCharacters];
        all.Fill(0xFF);
        Display(all);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _chip.Dispose();
        }

        if (_shouldDispose)
        {
            _gpio.Dispose();
        }
        else
        {
            foreach (int pin in new[] { _pinClk, _pinDio })
            {
                if (_gpio.IsPinOpen(pin))
                {
                    _gpio.ClosePin(pin);
                }
            }
        }
    }

    private void Update(Action send)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int missedBefore = _lines.MissedAcknowledges;
            send();
            _acknowledged = _lines.MissedAcknowledges == missedBefore;
        }
    }
}
