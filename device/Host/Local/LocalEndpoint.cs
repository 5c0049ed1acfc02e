using System.Net;
using System.Net.Sockets;
using Edge.Device.Configuration;
using Microsoft.Extensions.Options;

namespace Edge.Device.Local;

/// <summary>
/// The device's local endpoint: HTTP/1.1 on a socket of our own, on 127.0.0.1:<c>Local:Port</c> only, plus any
/// <see cref="ILocalGate"/>'s address (the centre's LAN port). Every answer names the device that gave it
/// (<see cref="AnsweringDeviceHeader"/>). A request the routes do not take, a query value that does not parse, a head
/// over 16 KiB or a body over <see cref="MaxBodyBytes"/> is refused (404, 405, 400, 431, 413) and counted; a handler
/// that throws is a 500, logged and counted. A connection whose request head and body do not arrive within
/// <c>Local:RequestTimeoutSeconds</c> (30 s; an idle kept-alive one included) is closed, counted when it had sent part of a request;
/// beyond <see cref="MaxConnections"/> open at once a new connection is closed at once and counted, so a LAN client
/// cannot hold the endpoint. At shutdown it stops accepting, closes idle connections, and waits for
/// the answers in progress (sent with <c>Connection: close</c>) until the host's shutdown timeout, then cancels them. Why neither Kestrel nor HttpListener:
/// device/Host/Local/README.md.
/// </summary>
public sealed class LocalEndpoint(
    LocalRoutes routes,
    IServiceProvider services,
    IOptions<LocalOptions> local,
    IOptions<DeviceOptions> device,
    IEnumerable<ILocalGate> gates,
    LocalCounts counts,
    ILogger<LocalEndpoint> logger) : IHostedService, IDisposable
{
    /// <summary>No local route takes a body; the LAN's requests are at most 64 KiB (LanGate).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Connections open at once; the loopback tools, the hall's browser and the centre's peers need a few.</summary>
    public const int MaxConnections = 64;

    private const int MaxHeadBytes = 16 * 1024;

    /// <summary>How long a request's head and body may take to arrive, counted from the end of the previous answer.</summary>
    private readonly TimeSpan _requestTimeout = TimeSpan.FromSeconds(local.Value.RequestTimeoutSeconds);
    private readonly ILocalGate[] _gates = [.. gates.Where(g => g.ListenOn is not null)];
    private readonly List<Socket> _listeners = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly HashSet<Task> _connections = [];
    private readonly List<Task> _accepting = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        IPEndPoint[] endPoints = [new(IPAddress.Loopback, local.Value.Port), .. _gates.Select(g => g.ListenOn!)];
        foreach (var endPoint in endPoints)
        {
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(endPoint);
                socket.Listen(128);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                // An IOException, as Kestrel's bind failure was: the host's start-up errors name it (exit code 3).
                throw new IOException($"Failed to bind to address http://{endPoint}: {ex.Message}", ex);
            }

            _listeners.Add(socket);
            logger.LogInformation("Now listening on: http://{Address}", endPoint);
        }

        _accepting.AddRange(_listeners.Select(AcceptAsync));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        foreach (var socket in _listeners)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_accepting);
        await using (cancellationToken.Register(_abort.Cancel))
        {
            Task[] open;
            lock (_connections)
            {
                open = [.. _connections];
            }

            try
            {
                await Task.WhenAll(open).WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The host's shutdown timeout: the answers still running were cancelled (_abort).
            }
        }
    }

    public void Dispose()
    {
        foreach (var socket in _listeners)
        {
            socket.Dispose();
        }

        _stopping.Dispose();
        _abort.Dispose();
    }

    private async Task AcceptAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return; // stopped
            }

            Task serving;
            lock (_connections)
            {
                if (_connections.Count >= MaxConnections)
                {
                    client.Dispose();
                    counts.OnRefused();
                    logger.LogWarning("local connection refused: {Max} already open", MaxConnections);
                    continue;
                }

                serving = ServeAsync(client);
                _connections.Add(serving);
            }

            _ = serving.ContinueWith(done =>
            {
                lock (_connections)
                {
                    _connections.Remove(done);
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>One connection: requests one after another while the client keeps it open and the host runs.</summary>
    private async Task ServeAsync(Socket client)
    {
        await Task.Yield(); // off the accept loop
        var (localEnd, remoteEnd) = ((IPEndPoint)client.LocalEndPoint!, (IPEndPoint)client.RemoteEndPoint!);
        await using var stream = new NetworkStream(client, ownsSocket: true);
        var buffer = new byte[MaxHeadBytes];
        var filled = 0;
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                using var inTime = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                inTime.CancelAfter(_requestTimeout);

                // The head: until the blank line; waiting for it is what a stop or the timeout interrupts.
                int end;
                while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    if (filled == buffer.Length)
                    {
                        await RefuseAsync(stream, LocalStatus.RequestHeaderFieldsTooLarge, "a head over 16 KiB", localEnd.Port, remoteEnd);
                        return;
                    }

                    int read;
                    try
                    {
                        read = await stream.ReadAsync(buffer.AsMemory(filled), inTime.Token);
                    }
                    catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
                    {
                        if (filled > 0)
                        {
                            await RefuseAsync(stream, LocalStatus.RequestTimeout, $"a head not complete in {_requestTimeout.TotalSeconds:0} s", localEnd.Port, remoteEnd);
                        }

                        return; // an idle kept-alive connection is simply closed
                    }

                    if (read == 0)
                    {
                        return; // the client closed
                    }

                    filled += read;
                }

                var head = HttpRequestHead.Parse(buffer.AsSpan(0, end));
                if (head is null || head.ContentLength is not { } length)
                {
                    await RefuseAsync(stream, LocalStatus.BadRequest, head is null ? "not an HTTP/1.x request" : "a body without Content-Length", localEnd.Port, remoteEnd);
                    return;
                }

                if (length > MaxBodyBytes)
                {
                    await RefuseAsync(stream, LocalStatus.PayloadTooLarge, $"a body of {length} bytes (at most {MaxBodyBytes})", localEnd.Port, remoteEnd);
                    return;
                }

                // The body: what came with the head, then the rest.
                var body = new byte[length];
                var after = end + 4;
                var have = Math.Min(filled - after, (int)length);
                buffer.AsSpan(after, have).CopyTo(body);
                if (have < length)
                {
                    using var bodyInTime = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token, inTime.Token);
                    try
                    {
                        await stream.ReadExactlyAsync(body.AsMemory(have), bodyInTime.Token);
                    }
                    catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
                    {
                        await RefuseAsync(stream, LocalStatus.RequestTimeout, $"a body not complete in {_requestTimeout.TotalSeconds:0} s", localEnd.Port, remoteEnd);
                        return;
                    }
                }

                buffer.AsSpan(after + have, filled - after - have).CopyTo(buffer);
                filled -= after + have;

                var request = new LocalRequest(head, body, localEnd, remoteEnd, services, _abort.Token);
                var answer = await AnswerAsync(request);
                var keepAlive = head.KeepAlive && !_stopping.IsCancellationRequested;
                await answer.WriteAsync(stream, [new(AnsweringDeviceHeader.Name, device.Value.Id)], keepAlive, _abort.Token);
                if (!keepAlive)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or EndOfStreamException)
        {
            logger.LogDebug("local connection from {Remote} ended: {Error}", remoteEnd, ex.Message);
        }
        catch (Exception ex)
        {
            counts.OnFailed();
            logger.LogError(ex, "local connection from {Remote} failed", remoteEnd);
        }
    }

    private async Task<LocalAnswer> AnswerAsync(LocalRequest request)
    {
        if (_gates.FirstOrDefault(g => g.Takes(request.LocalPort)) is { } gate)
        {
            return await gate.AnswerAsync(request);
        }

        if (routes.Find(request.Method, request.Path, out var routeValue, out var allowed) is not { } handler)
        {
            return allowed is null
                ? Refuse(request.Method, request.Path, LocalStatus.NotFound, "no such path")
                : Refuse(request.Method, request.Path, LocalStatus.MethodNotAllowed, $"{request.Method} not allowed").WithHeader("Allow", allowed);
        }

        try
        {
            request.RouteValue = routeValue;
            var answer = await handler(request);
            counts.OnAnswered();
            return answer;
        }
        catch (BadLocalRequest bad)
        {
            return Refuse(request.Method, request.Path, LocalStatus.BadRequest, bad.Message);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            return LocalAnswer.Empty(LocalStatus.ServiceUnavailable);
        }
        catch (Exception ex)
        {
            counts.OnFailed();
            logger.LogError(ex, "local request {Method} {Path} failed", request.Method, request.Path);
            return LocalAnswer.Empty(LocalStatus.InternalServerError);
        }
    }

    /// <summary>A request that cannot be read: refused, counted, and the connection closed after the answer.</summary>
    private async Task RefuseAsync(Stream stream, int status, string why, int localPort, IPEndPoint remote)
    {
        LocalAnswer answer;
        if (_gates.FirstOrDefault(g => g.Takes(localPort)) is { } gate)
        {
            gate.OnUnreadable(remote.Address, status, why);
            answer = LocalAnswer.Empty(status);
        }
        else
        {
            answer = Refuse("?", "?", status, why);
        }

        await answer.WriteAsync(stream, [new(AnsweringDeviceHeader.Name, device.Value.Id)], keepAlive: false, _abort.Token);
    }

    private LocalAnswer Refuse(string method, string path, int status, string why)
    {
        counts.OnRefused();
        logger.LogDebug("local request {Method} {Path} refused ({Status}): {Why}", method, path, status, why);
        return LocalAnswer.Empty(status);
    }
}
