using System.Device.I2c;

namespace Edge.Device.Drivers.Simulation;

/// <summary>
/// A DS3231 RTC on a virtual I2C bus: a register file with the chip's auto-incrementing register pointer (a write's first
/// byte sets it; further bytes are written from there; reads continue from it). Time registers 0x00–0x06 (BCD, 24-hour,
/// century bit 7 of 0x05) keep counting on <see cref="TimeProvider"/>'s monotonic time; 0x0F bit 7 is the
/// oscillator-stop flag (writable to 0 only, as on the chip).
/// </summary>
public sealed class VirtualDs3231 : I2cDevice
{
    private const int RegisterCount = 0x13;
    private const int StatusRegister = 0x0F;

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly byte[] _registers = new byte[RegisterCount];
    private DateTime _base;
    private long _baseTimestamp;
    private int _pointer;

    /// <summary>A chip that holds <paramref name="utc"/> now and counts on <paramref name="time"/> (default: the system's).</summary>
    public VirtualDs3231(DateTime utc, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _base = utc;
        _baseTimestamp = _time.GetTimestamp();
        ConnectionSettings = new I2cConnectionSettings(1, 0x68);
    }

    /// <inheritdoc/>
    public override I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>The time the chip holds now.</summary>
    public DateTime Now
    {
        get
        {
            lock (_gate)
            {
                return _base + _time.GetElapsedTime(_baseTimestamp);
            }
        }
    }

    /// <summary>The oscillator-stop flag: set it to play a flat backup battery.</summary>
    public bool OscillatorStopped
    {
        get { lock (_gate) { return (_registers[StatusRegister] & 0x80) != 0; } }
        set { lock (_gate) { _registers[StatusRegister] = (byte)(value ? _registers[StatusRegister] | 0x80 : _registers[StatusRegister] & 0x7F); } }
    }

    /// <summary>How many write transactions set the time registers.</summary>
    public int TimeWrites { get; private set; }

    /// <summary>Every write transaction, oldest first (register pointer first).</summary>
    public List<byte[]> Writes { get; } = new();

    /// <inheritdoc/>
    public override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    /// <inheritdoc/>
    public override void Read(Span<byte> buffer)
    {
        lock (_gate)
        {
            RenderTime();
            for (int i = 0; i < buffer.Length; i++)
            {
                buffer[i] = _registers[_pointer];
                _pointer = (_pointer + 1) % RegisterCount;
            }
        }
    }

    /// <inheritdoc/>
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        lock (_gate)
        {
            Writes.Add(buffer.ToArray());
            _pointer = buffer[0] % RegisterCount;
            if (buffer.Length == 1)
            {
                return;
            }

            RenderTime();
            bool timeTouched = false;
            foreach (byte value in buffer[1..])
            {
                if (_pointer == StatusRegister)
                {
                    _registers[_pointer] = (byte)((_registers[_pointer] & value & 0x80) | (value & 0x7F));
                }
                else
                {
                    _registers[_pointer] = value;
                }

                timeTouched |= _pointer <= 0x06;
                _pointer = (_pointer + 1) % RegisterCount;
            }

            if (timeTouched)
            {
                _base = ParseTime();
                _baseTimestamp = _time.GetTimestamp();
                TimeWrites++;
            }
        }
    }

    /// <inheritdoc/>
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    private static byte Bcd(int value) => (byte)(((value / 10) << 4) | (value % 10));

    private static int FromBcd(byte value) => ((value >> 4) * 10) + (value & 0x0F);

    private void RenderTime()
    {
        DateTime now = _base + _time.GetElapsedTime(_baseTimestamp);
        _registers[0] = Bcd(now.Second);
        _registers[1] = Bcd(now.Minute);
        _registers[2] = Bcd(now.Hour);
        _registers[3] = Bcd((int)now.DayOfWeek + 1);
        _registers[4] = Bcd(now.Day);
        _registers[5] = (byte)(Bcd(now.Month) | (now.Year >= 2000 ? 0x80 : 0));
        _registers[6] = Bcd(now.Year % 100);
    }

    private DateTime ParseTime() => new(
        1900 + ((_registers[5] >> 7) * 100) + FromBcd(_registers[6]),
        FromBcd((byte)(_registers[5] & 0x1F)),
        FromBcd(_registers[4]),
        FromBcd((byte)(_registers[2] & 0x3F)),
        FromBcd(_registers[1]),
        FromBcd(_registers[0]),
        DateTimeKind.Utc);
}
