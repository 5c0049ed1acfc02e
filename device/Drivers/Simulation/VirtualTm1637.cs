using System.Device.Gpio;
using Edge.Device.Drivers.SevenSegment;

namespace Edge.Device.Drivers.Simulation;

/// <summary>
/// A TM1637 chip on two pins of a <see cref="SimulatedGpioDriver"/>: watches CLK and DIO like a logic analyser,
/// acknowledges each byte by pulling DIO low on the 9th clock, decodes the commands, and keeps what the
/// display shows.
/// </summary>
public sealed class VirtualTm1637 : IDisposable
{
    private readonly SimulatedGpioDriver _driver;
    private readonly int _pinClk;
    private readonly int _pinDio;
    private readonly object _gate = new();
    private readonly byte[] _segments = new byte[6];
    private readonly List<byte[]> _frames = new();
    private readonly List<byte> _frame = new();
    private PinValue _clk = PinValue.High;
    private PinValue _dio = PinValue.High;
    private bool _inFrame;
    private int _bit;
    private byte _shift;
    private bool _autoIncrement = true;
    private int _address;

    /// <summary>Attaches to <paramref name="pinClk"/> and <paramref name="pinDio"/> of <paramref name="driver"/>.</summary>
    public VirtualTm1637(SimulatedGpioDriver driver, int pinClk, int pinDio)
    {
        _driver = driver;
        _pinClk = pinClk;
        _pinDio = pinDio;
        _clk = driver.LevelOf(pinClk);
        _dio = driver.LevelOf(pinDio);
        driver.LevelChanged += OnLevelChanged;
    }

    /// <summary>Raised after a frame (start … stop) changed what is shown.</summary>
    public event EventHandler? Changed;

    /// <summary>Segment bytes of the 6 positions.</summary>
    public byte[] Segments
    {
        get
        {
            lock (_gate)
            {
                return (byte[])_segments.Clone();
            }
        }
    }

    /// <summary>Brightness 0-7 from the last display control command.</summary>
    public int Brightness { get; private set; }

    /// <summary>Whether the last display control command turned the display on.</summary>
    public bool IsOn { get; private set; }

    /// <summary>Every frame received, start to stop, as bytes.</summary>
    public IReadOnlyList<byte[]> Frames
    {
        get
        {
            lock (_gate)
            {
                return _frames.ToArray();
            }
        }
    }

    /// <summary>What the first <paramref name="digits"/> positions show, as text ("" when the display is off).</summary>
    public string Text(int digits = 4) => IsOn ? SevenSegmentFont.Decode(Segments.AsSpan(0, digits)) : "";

    /// <inheritdoc/>
    public void Dispose() => _driver.LevelChanged -= OnLevelChanged;

    private void OnLevelChanged(object? sender, PinWrite change)
    {
        if (change.Pin != _pinClk && change.Pin != _pinDio)
        {
            return;
        }

        bool frameEnded = false;
        bool ackNow = false, releaseNow = false;
        lock (_gate)
        {
            if (change.Pin == _pinDio)
            {
                PinValue before = _dio;
                _dio = change.Value;
                if (_clk == PinValue.High && before == PinValue.High && _dio == PinValue.Low)
                {
                    _inFrame = true;
                    _bit = 0;
                    _shift = 0;
                    _frame.Clear();
                }
                else if (_clk == PinValue.High && before == PinValue.Low && _dio == PinValue.High && _inFrame)
                {
                    _inFrame = false;
                    _frames.Add(_frame.ToArray());
                    Apply(_frame);
                    frameEnded = true;
                }
            }
            else
            {
                PinValue before = _clk;
                _clk = change.Value;
                if (!_inFrame)
                {
                    return;
                }

                if (before == PinValue.Low && _clk == PinValue.High)
                {
                    // The chip samples DIO on the rising clock, LSB first; the 9th clock is the ack clock.
                    if (_bit < 8 && _dio == PinValue.High)
                    {
                        _shift |= (byte)(1 << _bit);
                    }

                    _bit++;
                }
                else if (before == PinValue.High && _clk == PinValue.Low)
                {
                    if (_bit == 8)
                    {
                        _frame.Add(_shift);
                        ackNow = true;
                    }
                    else if (_bit == 9)
                    {
                        _bit = 0;
                        _shift = 0;
                        releaseNow = true;
                    }
                }
            }
        }

        // Outside the lock: driving DIO raises LevelChanged again on this thread.
        if (ackNow)
        {
            _driver.SetInput(_pinDio, PinValue.Low);
        }
        else if (releaseNow)
        {
            _driver.ReleaseInput(_pinDio);
        }

        if (frameEnded)
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }

    private void Apply(List<byte> frame)
    {
        if (frame.Count == 0)
        {
            return;
        }

        byte command = frame[0];
        switch (command & 0xC0)
        {
            case 0x40:
                _autoIncrement = (command & 0x04) == 0;
                break;
            case 0xC0:
                _address = command & 0x07;
                for (int i = 1; i < frame.Count; i++)
                {
                    if (_address < _segments.Length)
                    {
                        _segments[_address] = frame[i];
                    }

                    if (_autoIncrement)
                    {
                        _address++;
                    }
                }

                break;
            case 0x80:
                IsOn = (command & 0x08) != 0;
                Brightness = command & 0x07;
                break;
        }
    }
}
