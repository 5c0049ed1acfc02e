namespace Edge.Device.Drivers.Simulation;

/// <summary>
/// An HD44780 LCD behind a PCF8574 backpack on a <see cref="RecordingI2cDevice"/> (pin map P0 RS, P2 E, P3 backlight,
/// P4–P7 D4–D7): latches a nibble on each falling E, starts in 8-bit mode as after power-up, follows the function set
/// into 4-bit mode, and keeps the characters in display memory.
/// </summary>
public sealed class VirtualLcd : IDisposable
{
    private static readonly byte[] RowOffsets = [0x00, 0x40, 0x14, 0x54];

    private readonly RecordingI2cDevice _bus;
    private readonly object _gate = new();
    private readonly byte[] _ddram = new byte[0x80];
    private readonly List<byte> _commands = new();
    private byte _lastState;
    private bool _fourBit;
    private int? _highNibble;
    private int _address;

    /// <summary>Attaches to <paramref name="bus"/> as an LCD of <paramref name="columns"/> × <paramref name="rows"/>.</summary>
    public VirtualLcd(RecordingI2cDevice bus, int columns = 16, int rows = 2)
    {
        _bus = bus;
        Columns = columns;
        Rows = rows;
        Array.Fill(_ddram, (byte)' ');
        bus.Written += OnWritten;
    }

    /// <summary>Columns.</summary>
    public int Columns { get; }

    /// <summary>Rows.</summary>
    public int Rows { get; }

    /// <summary>Whether the last function set selected the 4-bit interface.</summary>
    public bool IsFourBitMode { get { lock (_gate) { return _fourBit; } } }

    /// <summary>Backlight bit of the last expander state.</summary>
    public bool BacklightOn { get { lock (_gate) { return (_lastState & 0x08) != 0; } } }

    /// <summary>Whether the last display control command turned the display on.</summary>
    public bool DisplayOn { get; private set; }

    /// <summary>Every command byte received (RS = 0), in order; in 8-bit mode a nibble counts as its command byte.</summary>
    public IReadOnlyList<byte> Commands { get { lock (_gate) { return _commands.ToArray(); } } }

    /// <summary>What row <paramref name="row"/> shows.</summary>
    public string Line(int row)
    {
        lock (_gate)
        {
            var chars = new char[Columns];
            for (int col = 0; col < Columns; col++)
            {
                chars[col] = (char)_ddram[(RowOffsets[row] + col) & 0x7F];
            }

            return new string(chars);
        }
    }

    /// <summary>All rows, one per line.</summary>
    public IReadOnlyList<string> Lines => Enumerable.Range(0, Rows).Select(Line).ToArray();

    /// <inheritdoc/>
    public void Dispose() => _bus.Written -= OnWritten;

    private void OnWritten(object? sender, byte[] states)
    {
        lock (_gate)
        {
            foreach (byte state in states)
            {
                bool enableFell = (_lastState & 0x04) != 0 && (state & 0x04) == 0;
                if (enableFell)
                {
                    Latch(_lastState);
                }

                _lastState = state;
            }
        }
    }

    private void Latch(byte state)
    {
        int nibble = state >> 4;
        bool data = (state & 0x01) != 0;
        if (!_fourBit)
        {
            Execute((byte)(nibble << 4), data);
            return;
        }

        if (_highNibble is { } high)
        {
            _highNibble = null;
            Execute((byte)((high << 4) | nibble), data);
        }
        else
        {
            _highNibble = nibble;
        }
    }

    private void Execute(byte value, bool data)
    {
        if (data)
        {
            _ddram[_address] = value;
            _address = _address switch { 0x27 => 0x40, 0x67 => 0x00, _ => (_address + 1) & 0x7F };
            return;
        }

        _commands.Add(value);
        if ((value & 0x80) != 0)
        {
            _address = value & 0x7F;
        }
        else if ((value & 0x20) != 0)
        {
            bool fourBit = (value & 0x10) == 0;
            if (fourBit && !_fourBit)
            {
                _highNibble = null;
            }

            _fourBit = fourBit;
        }
        else if ((value & 0x08) != 0)
        {
            DisplayOn = (value & 0x04) != 0;
        }
        else if (value == 0x01)
        {
            Array.Fill(_ddram, (byte)' ');
            _address = 0;
        }
        else if ((value & 0xFE) == 0x02)
        {
            _address = 0;
        }
    }
}
