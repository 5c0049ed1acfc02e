using Edge.Device.Drivers.SevenSegment;

namespace Edge.Device.Drivers.Simulation;

/// <summary>
/// A chain of MAX7219 chips behind a <see cref="RecordingSpiDevice"/>: shifts each transfer through the chain as the
/// chips do (the last 16 bits shifted in stay in device 0) and keeps every chip's registers.
/// </summary>
public sealed class VirtualMax7219 : IDisposable
{
    private readonly RecordingSpiDevice _spi;
    private readonly byte[,] _registers;
    private readonly object _gate = new();

    /// <summary>Attaches to <paramref name="spi"/> as <paramref name="cascadedDevices"/> chips.</summary>
    public VirtualMax7219(RecordingSpiDevice spi, int cascadedDevices = 1)
    {
        _spi = spi;
        CascadedDevices = cascadedDevices;
        _registers = new byte[cascadedDevices, 16];
        spi.Written += OnWritten;
    }

    /// <summary>Chips in the chain.</summary>
    public int CascadedDevices { get; }

    /// <summary>The value of <paramref name="register"/> (0x00–0x0F) in chip <paramref name="device"/>.</summary>
    public byte Register(int device, int register)
    {
        lock (_gate)
        {
            return _registers[device, register];
        }
    }

    /// <summary>What chip <paramref name="device"/> shows, left to right ("" while shut down; all "8." during display test).</summary>
    public string Text(int device = 0)
    {
        lock (_gate)
        {
            if (_registers[device, 0x0F] != 0)
            {
                return string.Concat(Enumerable.Repeat("8.", 8));
            }

            if (_registers[device, 0x0C] == 0)
            {
                return "";
            }

            Span<byte> shapes = stackalloc byte[8];
            for (int i = 0; i < 8; i++)
            {
                shapes[i] = Drivers.Max7219.Max7219Display.FromMax7219Order(_registers[device, 0x08 - i]);
            }

            return SevenSegmentFont.Decode(shapes);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _spi.Written -= OnWritten;

    private void OnWritten(object? sender, byte[] transfer)
    {
        // Frames beyond the chain length fall out of the last chip; only the last 2*N bytes stay.
        int frames = transfer.Length / 2;
        lock (_gate)
        {
            for (int f = Math.Max(0, frames - CascadedDevices); f < frames; f++)
            {
                int device = frames - 1 - f;
                byte register = (byte)(transfer[2 * f] & 0x0F);
                if (register != 0x00)
                {
                    _registers[device, register] = transfer[(2 * f) + 1];
                }
            }
        }
    }
}
