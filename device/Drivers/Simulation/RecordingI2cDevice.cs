using System.Device.I2c;

namespace Edge.Device.Drivers.Simulation;

/// <summary>An <see cref="I2cDevice"/> that keeps every write transaction and answers reads from a queue (0 when empty).</summary>
public sealed class RecordingI2cDevice : I2cDevice
{
    private readonly object _gate = new();
    private readonly TransactionLog _writes = new();
    private readonly Queue<byte> _toRead = new();

    /// <summary>A device at <paramref name="address"/> on bus <paramref name="busId"/>.</summary>
    public RecordingI2cDevice(int address = 0x27, int busId = 1) => ConnectionSettings = new I2cConnectionSettings(busId, address);

    /// <summary>Raised after each write transaction with its bytes.</summary>
    public event EventHandler<byte[]>? Written;

    /// <inheritdoc/>
    public override I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>Every write transaction, oldest first.</summary>
    public IReadOnlyList<byte[]> Writes => _writes.All;

    /// <summary>Every byte written, in order, transactions joined.</summary>
    public byte[] WrittenBytes => Writes.SelectMany(w => w).ToArray();

    /// <summary>Forgets the recorded writes.</summary>
    public void ClearRecording() => _writes.Clear();

    /// <summary>Queues bytes for the next reads.</summary>
    public void EnqueueRead(params byte[] bytes)
    {
        lock (_gate)
        {
            foreach (byte b in bytes)
            {
                _toRead.Enqueue(b);
            }
        }
    }

    /// <inheritdoc/>
    public override byte ReadByte()
    {
        lock (_gate)
        {
            return _toRead.TryDequeue(out byte b) ? b : (byte)0;
        }
    }

    /// <inheritdoc/>
    public override void Read(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = ReadByte();
        }
    }

    /// <inheritdoc/>
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        byte[] copy = _writes.Add(buffer);
        Written?.Invoke(this, copy);
    }

    /// <inheritdoc/>
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }
}
