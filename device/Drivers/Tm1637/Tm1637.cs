using System.Device.Gpio;
using System.Diagnostics;
using Edge.Device.Drivers.SevenSegment;

namespace Edge.Device.Drivers.Tm1637;

/// <summary>
/// TM1637 4- or 6-digit 7-segment display, bit-banged on two GPIOs (CLK, DIO); API shaped like
/// <c>Iot.Device.Tm1637.Tm1637</c>.
/// </summary>
/// <remarks>
/// Each update sends: start, 0x40 (write, auto-increment), stop; start, 0xC0 + first position, segment bytes, stop;
/// start, 0x88 | brightness (or 0x80 when off), stop. Bytes go LSB first; the chip acknowledges each byte by
/// pulling DIO low on the 9th clock. DIO is open drain, emulated by switching it between output-low and input
/// (the module's pull-up makes it high). CLK is driven push-pull: the chip never stretches the clock.
/// Thread-safe: one update at a time.
/// </remarks>
public sealed class Tm1637 : IDisposable
{
    /// <summary>Positions the chip addresses (4-digit modules use the first 4).</summary>
    public const int MaxCharacters = 6;

    /// <summary>Default time per bit phase: about 50 µs, as common drivers use.</summary>
    public static readonly TimeSpan DefaultBitDelay = TimeSpan.FromTicks(500);

    private const byte DataCommandAutoIncrement = 0x40;
    private const byte AddressCommand = 0xC0;
    private const byte DisplayControlOff = 0x80;
    private const byte DisplayControlOn = 0x88;

    private readonly int _pinClk;
    private readonly int _pinDio;
    private readonly GpioController _gpio;
    private readonly bool _shouldDispose;
    private readonly PinMode _dioReleased;
    private readonly long _bitDelayTicks;
    private readonly object _gate = new();
    private byte _brightness = 7;
    private bool _screenOn = true;
    private bool _allAcknowledged = true;
    private bool _disposed;

    /// <summary>Opens CLK and DIO, both idle high.</summary>
    /// <param name="pinClk">Logical GPIO of CLK.</param>
    /// <param name="pinDio">Logical GPIO of DIO.</param>
    /// <param name="gpio">The controller the pins belong to.</param>
    /// <param name="shouldDispose">Dispose <paramref name="gpio"/> with the display.</param>
    /// <param name="bitDelay">Time per bit phase, ≥ 0; default <see cref="DefaultBitDelay"/> (≈50 µs). Zero for tests.
    /// The wait spins (sleeping cannot wait microseconds): a full update costs about 200 phases of CPU.</param>
    public Tm1637(int pinClk, int pinDio, GpioController gpio, bool shouldDispose = true, TimeSpan? bitDelay = null)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        TimeSpan delay = bitDelay ?? DefaultBitDelay;
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero, nameof(bitDelay));
        _pinClk = pinClk;
        _pinDio = pinDio;
        _gpio = gpio;
        _shouldDispose = shouldDispose;
        _bitDelayTicks = (long)(delay.TotalSeconds * Stopwatch.Frequency);
        _dioReleased = gpio.IsPinModeSupported(pinDio, PinMode.InputPullUp) ? PinMode.InputPullUp : PinMode.Input;

        gpio.OpenPin(pinClk, PinMode.Output);
        gpio.Write(pinClk, PinValue.High);
        gpio.OpenPin(pinDio, _dioReleased);
    }

    /// <summary>Brightness 0 (dimmest) to 7 (brightest); sent at once.</summary>
    public byte Brightness
    {
        get => _brightness;
        set
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, (byte)7);
            lock (_gate)
            {
                _brightness = value;
                SendDisplayControl();
            }
        }
    }

    /// <summary>Display on or off (the segments are kept by the chip); sent at once.</summary>
    public bool ScreenOn
    {
        get => _screenOn;
        set
        {
            lock (_gate)
            {
                _screenOn = value;
                SendDisplayControl();
            }
        }
    }

    /// <summary>True if the chip acknowledged every byte of the last update: false means no display on the pins.</summary>
    public bool Acknowledged
    {
        get
        {
            lock (_gate)
            {
                return _allAcknowledged;
            }
        }
    }

    /// <summary>Shows <paramref name="segments"/> from the first position (bit 0 = A … bit 6 = G, bit 7 = point/colon;
    /// see <see cref="SevenSegmentFont"/>). At most <see cref="MaxCharacters"/> bytes.</summary>
    public void Display(ReadOnlySpan<byte> segments) => Display(0, segments);

    /// <summary>Shows <paramref name="segments"/> starting at <paramref name="firstPosition"/> (0 = leftmost).</summary>
    public void Display(int firstPosition, ReadOnlySpan<byte> segments)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstPosition);
        if (firstPosition + segments.Length > MaxCharacters)
        {
            throw new ArgumentOutOfRangeException(nameof(segments), $"Positions {firstPosition}..{firstPosition + segments.Length - 1} exceed the {MaxCharacters} the chip has.");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _allAcknowledged = true;
            Frame([DataCommandAutoIncrement]);

            Span<byte> frame = stackalloc byte[MaxCharacters + 1];
            frame[0] = (byte)(AddressCommand + firstPosition);
            segments.CopyTo(frame[1..]);
            Frame(frame[..(segments.Length + 1)]);

            Frame([DisplayControlByte()]);
        }
    }

    /// <summary>Shows <paramref name="text"/> (0-9, A-F, '-', ' ', '.') right-aligned on <paramref name="digits"/> digits.</summary>
    public void Display(string text, int digits = 4) => Display(SevenSegmentFont.EncodeRightAligned(text, digits));

    /// <summary>Blanks all positions.</summary>
    public void Clear() => Display(stackalloc byte[MaxCharacters]);

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
        }

        if (_shouldDispose)
        {
            _gpio.Dispose();
        }
        else
        {
            _gpio.ClosePin(_pinClk);
            _gpio.ClosePin(_pinDio);
        }
    }

    private byte DisplayControlByte() => _screenOn ? (byte)(DisplayControlOn | _brightness) : DisplayControlOff;

    private void SendDisplayControl()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _allAcknowledged = true;
        Frame([DisplayControlByte()]);
    }

    private void Frame(ReadOnlySpan<byte> bytes)
    {
        Start();
        foreach (byte b in bytes)
        {
            _allAcknowledged &= WriteByte(b);
        }

        Stop();
    }

    // Start: DIO falls while CLK is high.
    private void Start()
    {
        _gpio.Write(_pinClk, PinValue.High);
        DioHigh();
        Wait();
        DioLow();
        Wait();
        _gpio.Write(_pinClk, PinValue.Low);
        Wait();
    }

    // Stop: DIO rises while CLK is high.
    private void Stop()
    {
        DioLow();
        Wait();
        _gpio.Write(_pinClk, PinValue.High);
        Wait();
        DioHigh();
        Wait();
    }

    // LSB first; data changes while CLK is low, the chip samples on the rising edge. Returns the ack.
    private bool WriteByte(byte value)
    {
        for (int bit = 0; bit < 8; bit++)
        {
            if (((value >> bit) & 1) != 0)
            {
                DioHigh();
            }
            else
            {
                DioLow();
            }

            Wait();
            _gpio.Write(_pinClk, PinValue.High);
            Wait();
            _gpio.Write(_pinClk, PinValue.Low);
        }

        DioHigh();
        Wait();
        _gpio.Write(_pinClk, PinValue.High);
        Wait();
        bool acknowledged = _gpio.Read(_pinDio) == PinValue.Low;
        _gpio.Write(_pinClk, PinValue.Low);
        Wait();
        return acknowledged;
    }

    private void DioHigh()
    {
        if (_gpio.GetPinMode(_pinDio) != _dioReleased)
        {
            _gpio.SetPinMode(_pinDio, _dioReleased);
        }
    }

    private void DioLow()
    {
        if (_gpio.GetPinMode(_pinDio) != PinMode.Output)
        {
            _gpio.SetPinMode(_pinDio, PinMode.Output);
        }

        _gpio.Write(_pinDio, PinValue.Low);
    }

    private void Wait()
    {
        if (_bitDelayTicks == 0)
        {
            return;
        }

        long end = Stopwatch.GetTimestamp() + _bitDelayTicks;
        while (Stopwatch.GetTimestamp() < end)
        {
            Thread.SpinWait(10);
        }
    }
}
