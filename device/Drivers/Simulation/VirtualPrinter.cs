using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Edge.Device.Drivers.EscPos;

namespace Edge.Device.Drivers.Simulation;

/// <summary>
/// An ESC/POS printer in memory: keeps the raw bytes and a text view of what was printed (per cut page), has
/// paper and cover that tests and the simulation endpoint can change, and answers <c>DLE EOT n</c> as an Epson
/// printer does. Reachable in-process (<see cref="CreateTransport"/>) or as a fake TCP 9100 printer on loopback
/// (<see cref="ListenTcp"/>). Thread-safe.
/// </summary>
public sealed class VirtualPrinter : IDisposable
{
    private readonly object _gate = new();
    private readonly List<byte> _received = new();
    private readonly List<byte> _unparsed = new();
    private readonly List<string> _pages = new();
    private readonly List<string> _qrCodes = new();
    private readonly StringBuilder _page = new();
    private readonly List<byte> _textRun = new();
    private readonly CancellationTokenSource _stop = new();
    private Encoding _encoding = Encoding.Latin1;
    private TcpListener? _listener;
    private bool _paperNearEnd, _paperOut, _coverOpen, _offline;

    /// <summary>Raised after a cut: a page (a ticket) is complete.</summary>
    public event EventHandler<string>? PageCut;

    /// <summary>Whether it answers real-time status at all (false = a clone that never does).</summary>
    public bool AnswersStatus { get; set; } = true;

    /// <summary>Paper roll nearly used up (still prints).</summary>
    public bool PaperNearEnd { get => Get(() => _paperNearEnd); set => Set(() => _paperNearEnd = value); }

    /// <summary>No paper: the printer is offline.</summary>
    public bool PaperOut { get => Get(() => _paperOut); set => Set(() => _paperOut = value); }

    /// <summary>Cover open: the printer is offline.</summary>
    public bool CoverOpen { get => Get(() => _coverOpen); set => Set(() => _coverOpen = value); }

    /// <summary>Offline for another reason.</summary>
    public bool Offline { get => Get(() => _offline); set => Set(() => _offline = value); }

    /// <summary>Every byte received, in order.</summary>
    public byte[] Received => Get(() => _received.ToArray());

    /// <summary>Pages printed and cut so far, as text; a QR code shows as "[QR: data]".</summary>
    public IReadOnlyList<string> Pages => Get(() => _pages.ToArray());

    /// <summary>The text printed since the last cut.</summary>
    public string CurrentPage => Get(() => { FlushText(); return _page.ToString(); });

    /// <summary>Contents of every QR code printed.</summary>
    public IReadOnlyList<string> QrCodes => Get(() => _qrCodes.ToArray());

    /// <summary>Where the fake TCP printer listens, once <see cref="ListenTcp"/> was called.</summary>
    public IPEndPoint? TcpEndPoint { get; private set; }

    /// <summary>Takes bytes as the printer's input and returns its answers (status bytes).</summary>
    public byte[] Receive(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            foreach (byte b in bytes)
            {
                _received.Add(b);
                _unparsed.Add(b);
            }

            var replies = new List<byte>();
            int used;
            while (_unparsed.Count > 0 && (used = ParseOne(replies)) > 0)
            {
                _unparsed.RemoveRange(0, used);
            }

            return replies.ToArray();
        }
    }

    /// <summary>A transport that talks to this printer in-process.</summary>
    public IPrinterTransport CreateTransport() => new InProcessTransport(this);

    /// <summary>Starts a fake network printer on 127.0.0.1 (<paramref name="port"/> 0 = a free port); returns its address.</summary>
    public IPEndPoint ListenTcp(int port = 0)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        _listener = listener;
        TcpEndPoint = (IPEndPoint)listener.LocalEndpoint;
        _ = Task.Run(() => AcceptAsync(listener, _stop.Token));
        return TcpEndPoint;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop.Cancel();
        _listener?.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            // The connection is served (and disposed) even if the stop comes before the task starts.
            _ = Task.Run(() => ServeAsync(client, ct), CancellationToken.None);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new byte[4096];
            try
            {
                int n;
                while ((n = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    byte[] replies = Receive(buffer.AsSpan(0, n));
                    if (replies.Length > 0)
                    {
                        await stream.WriteAsync(replies, ct).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // Client gone or printer stopped.
            }
        }
    }

    // Parses one command or text byte at the start of _unparsed; returns the bytes used, 0 if incomplete.
    private int ParseOne(List<byte> replies)
    {
        var b = _unparsed;
        byte first = b[0];
        if (first >= 0x20)
        {
            _textRun.Add(first);
            return 1;
        }

        FlushText();
        switch (first)
        {
            case 0x0A:
                _page.Append('\n');
                return 1;
            case 0x10: // DLE
                if (b.Count < 2) return 0;
                if (b[1] != 0x04) return 2;
                if (b.Count < 3) return 0;
                if (AnswersStatus) replies.Add(StatusByte(b[2]));
                return 3;
            case 0x1B: // ESC
                if (b.Count < 2) return 0;
                return b[1] switch
                {
                    (byte)'@' => Reset(),
                    (byte)'t' => b.Count < 3 ? 0 : SelectTable(b[2]),
                    (byte)'d' => b.Count < 3 ? 0 : FeedLines(b[2]),
                    (byte)'2' => 2,
                    _ => b.Count < 3 ? 0 : 3, // ESC a n, ESC ! n, ESC E n, ESC - n, ESC J n, ESC 3 n
                };
            case 0x1D: // GS
                if (b.Count < 3) return 0;
                switch (b[1])
                {
                    case (byte)'V':
                        int length = b[2] is 65 or 66 ? 4 : 3;
                        if (b.Count < length) return 0;
                        Cut();
                        return length;
                    case (byte)'(' when b[2] == (byte)'k':
                        if (b.Count < 5) return 0;
                        int total = 5 + b[3] + (b[4] << 8);
                        if (b.Count < total) return 0;
                        QrFunction(b.GetRange(5, total - 5));
                        return total;
                    case (byte)'v' when b[2] == (byte)'0':
                        if (b.Count < 8) return 0;
                        int image = 8 + ((b[4] + (b[5] << 8)) * (b[6] + (b[7] << 8)));
                        if (b.Count < image) return 0;
                        _page.Append("[image]\n");
                        return image;
                    default:
                        return 3; // GS ! n, GS B n, GS h n, GS w n
                }

            default:
                return 1;
        }
    }

    private byte StatusByte(byte n)
    {
        bool offline = _offline || _coverOpen || _paperOut;
        int value = 0x12;
        switch (n)
        {
            case 1:
                value |= offline ? 0x08 : 0;
                break;
            case 2:
                value |= (_coverOpen ? 0x04 : 0) | (_paperOut ? 0x20 : 0);
                break;
            case 4:
                value |= (_paperNearEnd ? 0x0C : 0) | (_paperOut ? 0x60 : 0);
                break;
        }

        return (byte)value;
    }

    private int Reset()
    {
        _encoding = Encoding.Latin1;
        return 2;
    }

    private int SelectTable(byte table)
    {
        _encoding = table == EscPosBuilder.Epson1258Table ? EscPosBuilder.Cp1258 : Encoding.Latin1;
        return 3;
    }

    private int FeedLines(byte lines)
    {
        _page.Append('\n', lines);
        return 3;
    }

    private void QrFunction(List<byte> body)
    {
        // body: cn fn parameters...
        if (body.Count >= 3 && body[1] == 0x50)
        {
            _qrCodes.Add(Encoding.UTF8.GetString(body.GetRange(3, body.Count - 3).ToArray()));
        }
        else if (body.Count >= 2 && body[1] == 0x51 && _qrCodes.Count > 0)
        {
            _page.Append("[QR: ").Append(_qrCodes[^1]).Append("]\n");
        }
    }

    private void Cut()
    {
        string page = _page.ToString();
        _pages.Add(page);
        _page.Clear();
        ThreadPool.QueueUserWorkItem(_ => PageCut?.Invoke(this, page));
    }

    private void FlushText()
    {
        if (_textRun.Count == 0)
        {
            return;
        }

        _page.Append(_encoding.GetString(_textRun.ToArray()).Normalize(NormalizationForm.FormC));
        _textRun.Clear();
    }

    private T Get<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    private void Set(Action write)
    {
        lock (_gate)
        {
            write();
        }
    }

    private sealed class InProcessTransport(VirtualPrinter printer) : IPrinterTransport
    {
        private readonly Channel<byte> _answers = Channel.CreateUnbounded<byte>();

        public string Description => "virtual printer";

        public Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
        {
            foreach (byte b in printer.Receive(data.Span))
            {
                _answers.Writer.TryWrite(b);
            }

            return Task.CompletedTask;
        }

        public async Task<int> ReadAsync(Memory<byte> buffer, TimeSpan timeout, CancellationToken ct = default)
        {
            int count = 0;
            while (count < buffer.Length && _answers.Reader.TryRead(out byte b))
            {
                buffer.Span[count++] = b;
            }

            if (count > 0 || timeout <= TimeSpan.Zero)
            {
                return count;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(timeout);
            try
            {
                await _answers.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return 0;
            }

            return await ReadAsync(buffer, TimeSpan.Zero, ct).ConfigureAwait(false);
        }

        public void Dispose() => _answers.Writer.TryComplete();
    }
}
