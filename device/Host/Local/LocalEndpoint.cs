using System.Net;
using Edge.Device.Configuration;
using Microsoft.Extensions.Options;

namespace Edge.Device.Local;

/// <summary>
/// The device's local endpoint: an <see cref="HttpListener"/> (managed, in the shared framework) on
/// 127.0.0.1:<c>Local:Port</c> only, plus any <see cref="ILocalGate"/>'s address (the centre's LAN port). Every answer
/// names the device that gave it (<see cref="AnsweringDeviceHeader"/>). A request the routes do not take, a query value
/// that does not parse or a body over <see cref="MaxBodyBytes"/> is refused (404, 405, 400, 413) and counted; a handler
/// that throws is a 500, logged and counted. At shutdown it stops taking requests (503) and waits for those in
/// progress until the host's shutdown timeout, then cancels them. Why not Kestrel: device/Host/Local/README.md.
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

    private readonly HttpListener _listener = new() { IgnoreWriteExceptions = true };
    private readonly ILocalGate[] _gates = [.. gates.Where(g => g.Prefix is not null)];
    private readonly CancellationTokenSource _abort = new();
    private readonly HashSet<Task> _inProgress = [];
    private volatile bool _stopping;
    private Task _accepting = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // localhost too: the listener matches a request's Host header against its prefixes (both are 127.0.0.1 here).
        string[] prefixes = [$"http://127.0.0.1:{local.Value.Port}/", $"http://localhost:{local.Value.Port}/", .. _gates.Select(g => g.Prefix!)];
        foreach (var prefix in prefixes)
        {
            _listener.Prefixes.Add(prefix);
        }

        try
        {
            _listener.Start();
        }
        catch (HttpListenerException ex)
        {
            // An IOException, as Kestrel's bind failure was: the host's start-up errors name it (exit code 3).
            throw new IOException($"Failed to bind to address {string.Join(", ", prefixes)}: {ex.Message}", ex);
        }

        foreach (var prefix in prefixes.Where(p => !p.Contains("localhost", StringComparison.Ordinal)))
        {
            logger.LogInformation("Now listening on: {Address}", prefix.TrimEnd('/'));
        }

        _accepting = AcceptAsync();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        await using (cancellationToken.Register(_abort.Cancel))
        {
            Task[] running;
            lock (_inProgress)
            {
                running = [.. _inProgress];
            }

            try
            {
                await Task.WhenAll(running).WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The host's shutdown timeout: the answers still running were cancelled (_abort).
            }
        }

        _listener.Stop();
        await _accepting;
    }

    public void Dispose()
    {
        _listener.Close();
        _abort.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            var serving = ServeAsync(context);
            lock (_inProgress)
            {
                _inProgress.Add(serving);
            }

            _ = serving.ContinueWith(done =>
            {
                lock (_inProgress)
                {
                    _inProgress.Remove(done);
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        await Task.Yield(); // off the accept loop: a slow answer (a press waits for the outbox) must not hold the next
        var response = context.Response;
        try
        {
            response.Headers[AnsweringDeviceHeader.Name] = device.Value.Id;
            var answer = await AnswerAsync(context.Request);
            await answer.WriteAsync(response, _abort.Token);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            logger.LogDebug("local request {Path}: the answer was not delivered ({Error})", context.Request.Url?.AbsolutePath, ex.Message);
        }
        catch (Exception ex)
        {
            counts.OnFailed();
            logger.LogError(ex, "local request {Path}: answering failed", context.Request.Url?.AbsolutePath);
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The client is gone.
            }
        }
    }

    private async Task<LocalAnswer> AnswerAsync(HttpListenerRequest request)
    {
        if (_stopping)
        {
            return LocalAnswer.Empty(LocalStatus.ServiceUnavailable);
        }

        var port = request.LocalEndPoint.Port;
        if (_gates.FirstOrDefault(g => g.Takes(port)) is { } gate)
        {
            return await gate.AnswerAsync(new LocalRequest(request, services, null, _abort.Token));
        }

        var path = Uri.UnescapeDataString(request.Url?.AbsolutePath ?? "/");
        if (request.ContentLength64 > MaxBodyBytes)
        {
            return Refuse(request, LocalStatus.PayloadTooLarge, $"a body of {request.ContentLength64} bytes (at most {MaxBodyBytes})");
        }

        if (routes.Find(request.HttpMethod, path, out var routeValue, out var allowed) is not { } handler)
        {
            return allowed is null
                ? Refuse(request, LocalStatus.NotFound, "no such path")
                : Refuse(request, LocalStatus.MethodNotAllowed, $"{request.HttpMethod} not allowed").WithHeader("Allow", allowed);
        }

        try
        {
            var answer = await handler(new LocalRequest(request, services, routeValue, _abort.Token));
            counts.OnAnswered();
            return answer;
        }
        catch (BadLocalRequest bad)
        {
            return Refuse(request, LocalStatus.BadRequest, bad.Message);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            return LocalAnswer.Empty(LocalStatus.ServiceUnavailable);
        }
        catch (Exception ex)
        {
            counts.OnFailed();
            logger.LogError(ex, "local request {Method} {Path} failed", request.HttpMethod, path);
            return LocalAnswer.Empty(LocalStatus.InternalServerError);
        }
    }

    private LocalAnswer Refuse(HttpListenerRequest request, int status, string why)
    {
        counts.OnRefused();
        logger.LogDebug("local request {Method} {Path} refused ({Status}): {Why}", request.HttpMethod, request.Url?.AbsolutePath, status, why);
        return LocalAnswer.Empty(status);
    }
}
