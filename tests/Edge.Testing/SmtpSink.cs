using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Edge.Testing;

/// <summary>A message an <see cref="SmtpSink"/> took: the envelope and the raw DATA (dot-unstuffed, CRLF line ends).</summary>
public sealed record SinkMessage(string From, IReadOnlyList<string> Recipients, byte[] Data);

/// <summary>
/// A small SMTP server on a free port of 127.0.0.1, enough for a real client (MailKit) to deliver to: greeting, EHLO/HELO,
/// MAIL, RCPT, DATA, RSET, NOOP, QUIT. It keeps every message it accepted. While <see cref="Refusing"/> it answers every
/// connection with <c>421</c> and closes it, as a server that is down for maintenance does.
/// </summary>
public sealed class SmtpSink : IDisposable
{
    private readonly TcpListener _listener;
    private readonly ConcurrentQueue<SinkMessage> _messages = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _refusedConnections;

    public SmtpSink()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>Answer <c>421</c> to every new connection (the server is down).</summary>
    public bool Refusing { get; set; }

    /// <summary>Connections answered with 421 so far.</summary>
    public int RefusedConnections => Volatile.Read(ref _refusedConnections);

    /// <summary>Every message accepted so far, in arrival order.</summary>
    public IReadOnlyList<SinkMessage> Messages => [.. _messages];

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var reader = new LineReader(stream);
                if (Refusing)
                {
                    Interlocked.Increment(ref _refusedConnections);
                    await WriteAsync(stream, "421 sink.test Service not available, closing connection");
                    return;
                }

                await WriteAsync(stream, "220 sink.test ESMTP test sink");
                string? from = null;
                var recipients = new List<string>();
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await WriteAsync(stream, "250-sink.test greets you\r\n250 8BITMIME");
                            break;
                        case "HELO":
                        case "NOOP":
                            await WriteAsync(stream, "250 OK");
                            break;
                        case "RSET":
                            (from, recipients) = (null, []);
                            await WriteAsync(stream, "250 OK");
                            break;
                        case "MAIL":
                            from = Address(line);
                            recipients = [];
                            await WriteAsync(stream, "250 OK");
                            break;
                        case "RCPT" when from is not null:
                            recipients.Add(Address(line));
                            await WriteAsync(stream, "250 OK");
                            break;
                        case "DATA" when from is not null && recipients.Count > 0:
                            await WriteAsync(stream, "354 End data with <CR><LF>.<CR><LF>");
                            var data = new StringBuilder();
                            while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                            {
                                data.Append(dataLine.StartsWith('.') ? dataLine[1..] : dataLine).Append("\r\n");
                            }

                            _messages.Enqueue(new SinkMessage(from, recipients, Encoding.Latin1.GetBytes(data.ToString())));
                            (from, recipients) = (null, []);
                            await WriteAsync(stream, "250 OK queued");
                            break;
                        case "QUIT":
                            await WriteAsync(stream, "221 Bye");
                            return;
                        default:
                            await WriteAsync(stream, "503 Bad sequence of commands or command not implemented");
                            break;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away, or the sink stops.
            }
        }
    }

    private static string Address(string line)
    {
        var start = line.IndexOf('<');
        var end = line.IndexOf('>', start + 1);
        return start >= 0 && end > start ? line[(start + 1)..end] : line.Split(':', 2)[^1].Trim();
    }

    private static Task WriteAsync(NetworkStream stream, string reply) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n")).AsTask();

    /// <summary>Reads CRLF-terminated lines as Latin-1 (bytes kept as they are, 8-bit bodies included).</summary>
    private sealed class LineReader(NetworkStream stream)
    {
        private readonly byte[] _buffer = new byte[8192];
        private int _start;
        private int _end;

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new List<byte>();
            while (true)
            {
                if (_start == _end)
                {
                    _start = 0;
                    _end = await stream.ReadAsync(_buffer, cancellationToken);
                    if (_end == 0)
                    {
                        return null;
                    }
                }

                var b = _buffer[_start++];
                if (b == '\n')
                {
                    if (line.Count > 0 && line[^1] == '\r')
                    {
                        line.RemoveAt(line.Count - 1);
                    }

                    return Encoding.Latin1.GetString(line.ToArray());
                }

                line.Add(b);
            }
        }
    }
}
