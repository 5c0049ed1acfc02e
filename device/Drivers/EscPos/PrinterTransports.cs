using System.IO.Ports;
using System.Net.Sockets;

namespace Edge.Device.Drivers.EscPos;

/// <summary>The byte pipe to a printer: USB device file, serial port or TCP 9100.</summary>
public interface IPrinterTransport : IDisposable
{
    /// <summary>Where the printer is, for messages ("tcp://10.0.0.5:9100").</summary>
    string Description { get; }

    /// <summary>Sends <paramref name="data"/>, (re)opening the connection if needed.</summary>
    /// <exception cref="PrinterException">The transport failed.</exception>
    Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default);

    /// <summary>Reads what the printer sent within <paramref name="timeout"/>; 0 when nothing came.</summary>
    /// <exception cref="PrinterException">The transport failed.</exception>
    Task<int> ReadAsync(Memory<byte> buffer, TimeSpan timeout, CancellationToken ct = default);
}

/// <summary>
/// A transport over a <see cref="Stream"/> opened on demand and reopened after a failure. Reads time out without
/// cancelling the underlying read (device files and serial ports may ignore cancellation): the pending read is
/// kept and its bytes are returned by the next <see cref="ReadAsync"/>.
/// </summary>
public abstract class StreamPrinterTransport : IPrinterTransport
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly byte[] _readBuffer = new byte[256];
    private readonly Queue<byte> _unread = new();
    private Stream? _stream;
    private IDisposable? _owner;
    private Task<int>? _pendingRead;
    private bool _disposed;

    /// <inheritdoc/>
    public abstract string Description { get; }

    /// <summary>Whether a read returning 0 bytes means the other side closed (TCP) rather than "no data" (device file).</summary>
    protected virtual bool EndOfStreamMeansClosed => true;

    /// <inheritdoc/>
    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Stream stream = await EnsureOpenAsync(ct).ConfigureAwait(false);
            await stream.WriteAsync(data, ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or UnauthorizedAccessException or ObjectDisposedException or InvalidOperationException)
        {
            Close();
            throw new PrinterException($"Writing {data.Length} bytes to {Description} failed: {ex.Message}", ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<int> ReadAsync(Memory<byte> buffer, TimeSpan timeout, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_unread.Count == 0)
            {
                Stream stream = await EnsureOpenAsync(ct).ConfigureAwait(false);
                // Not cancelled with ct: the read outlives this call and is picked up by the next one.
                _pendingRead ??= stream.ReadAsync(_readBuffer, 0, _readBuffer.Length, CancellationToken.None);
                if (!_pendingRead.IsCompleted)
                {
                    using var waitCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    var timer = Task.Delay(timeout, waitCts.Token);
                    await Task.WhenAny(_pendingRead, timer).ConfigureAwait(false);
                    waitCts.Cancel();
                    ct.ThrowIfCancellationRequested();
                    if (!_pendingRead.IsCompleted)
                    {
                        return 0;
                    }
                }

                Task<int> read = _pendingRead;
                _pendingRead = null;
                int n = await read.ConfigureAwait(false);
                if (n == 0)
                {
                    if (EndOfStreamMeansClosed)
                    {
                        Close();
                    }

                    return 0;
                }

                for (int i = 0; i < n; i++)
                {
                    _unread.Enqueue(_readBuffer[i]);
                }
            }

            int count = 0;
            while (count < buffer.Length && _unread.TryDequeue(out byte b))
            {
                buffer.Span[count++] = b;
            }

            return count;
        }
        catch (Exception ex) when (ex is IOException or SocketException or UnauthorizedAccessException or ObjectDisposedException or InvalidOperationException)
        {
            Close();
            throw new PrinterException($"Reading from {Description} failed: {ex.Message}", ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Opens the stream; <c>Owner</c> is disposed with it (a socket, a serial port), or null.</summary>
    protected abstract Task<(Stream Stream, IDisposable? Owner)> OpenAsync(CancellationToken ct);

    /// <summary>Closes the stream.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            Close();
        }
    }

    private async Task<Stream> EnsureOpenAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stream is null)
        {
            (_stream, _owner) = await OpenAsync(ct).ConfigureAwait(false);
        }

        return _stream;
    }

    private void Close()
    {
        // A read still pending fails when its stream is disposed: observe that failure, nobody awaits it any more.
        _pendingRead?.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        _pendingRead = null;
        _unread.Clear();
        _stream?.Dispose();
        _owner?.Dispose();
        _stream = null;
        _owner = null;
    }
}

/// <summary>USB printer class device file, <c>/dev/usb/lp0</c>. Status reads often get nothing (then status is unknown).</summary>
/// <param name="path">The device file.</param>
public sealed class DeviceFilePrinterTransport(string path = "/dev/usb/lp0") : StreamPrinterTransport
{
    /// <inheritdoc/>
    public override string Description => $"file://{path}";

    /// <inheritdoc/>
    protected override bool EndOfStreamMeansClosed => false;

    /// <inheritdoc/>
    protected override Task<(Stream Stream, IDisposable? Owner)> OpenAsync(CancellationToken ct)
    {
        Stream stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0, useAsync: true);
        return Task.FromResult<(Stream, IDisposable?)>((stream, null));
    }
}

/// <summary>Serial (RS-232 or USB-serial) printer: 8N1, hardware flow control unless told otherwise.</summary>
/// <param name="portName">"/dev/ttyUSB0", "/dev/ttyS0".</param>
/// <param name="baudRate">Bits per second (printers ship with 9600, 19200 or 115200).</param>
/// <param name="handshake">Flow control; printers use RTS/CTS so their buffer does not overflow.</param>
public sealed class SerialPrinterTransport(string portName, int baudRate = 9600, Handshake handshake = Handshake.RequestToSend)
    : StreamPrinterTransport
{
    /// <inheritdoc/>
    public override string Description => $"serial://{portName}@{baudRate}";

    /// <inheritdoc/>
    protected override bool EndOfStreamMeansClosed => false;

    /// <inheritdoc/>
    protected override Task<(Stream Stream, IDisposable? Owner)> OpenAsync(CancellationToken ct)
    {
        var port = new SerialPort(portName, baudRate, Parity.None, 8, StopBits.One) { Handshake = handshake, WriteTimeout = 10_000 };
        port.Open();
        return Task.FromResult<(Stream, IDisposable?)>((port.BaseStream, port));
    }
}

/// <summary>Network printer, raw TCP (port 9100).</summary>
/// <param name="host">Host name or address.</param>
/// <param name="port">TCP port, 9100 by default.</param>
/// <param name="connectTimeout">How long to try connecting; default 3 s.</param>
public sealed class TcpPrinterTransport(string host, int port = 9100, TimeSpan? connectTimeout = null) : StreamPrinterTransport
{
    /// <inheritdoc/>
    public override string Description => $"tcp://{host}:{port}";

    /// <inheritdoc/>
    protected override async Task<(Stream Stream, IDisposable? Owner)> OpenAsync(CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(connectTimeout ?? TimeSpan.FromSeconds(3));
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            return (new NetworkStream(socket, ownsSocket: true), null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            socket.Dispose();
            throw new IOException($"No connection to {host}:{port} within the connect timeout.");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
