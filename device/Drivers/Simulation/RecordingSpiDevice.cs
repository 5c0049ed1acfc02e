using System.Device.Spi;

namespace Edge.Device.Drivers.Simulation;

/// <summary>An <see cref="SpiDevice"/> that keeps every transfer written (one per chip-select period) and reads zeros.</summary>
public sealed class RecordingSpiDevice : SpiDevice
{
    private readonly TransactionLog _transfers = new();

    /// <summary>Records transfers; <paramref name="settings"/> default to bus 0, chip select 0 (mode 0, 500 kHz).</summary>
    public RecordingSpiDevice(SpiConnectionSettings? settings = null) => ConnectionSettings = settings ?? new SpiConnectionSettings(0, 0);

    /// <summary>Raised after each transfer with the bytes written.</summary>
    public event EventHandler<byte[]>? Written;

    /// <inheritdoc/>
    public override SpiConnectionSettings ConnectionSettings { get; }

    /// <summary>Every transfer written, oldest first.</summary>
    public IReadOnlyList<byte[]> Transfers => _transfers.All;

    /// <summary>Forgets the recorded transfers.</summary>
    public void ClearRecording() => _transfers.Clear();

    /// <inheritdoc/>
    public override byte ReadByte() => 0;

    /// <inheritdoc/>
    public override void Read(Span<byte> buffer) => buffer.Clear();

    /// <inheritdoc/>
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        byte[] copy = _transfers.Add(buffer);
        Written?.Invoke(this, copy);
    }

    /// <inheritdoc/>
    public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        readBuffer.Clear();
    }
}
