using System.Collections.Concurrent;
using System.Net;

namespace Edge.Testing;

/// <summary>An HTTP receiver on a free port of 127.0.0.1 that keeps the body of every POST it gets (a webhook's target).</summary>
public sealed class WebhookSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<string> _bodies = new();
    private readonly Task _loop;

    public WebhookSink()
    {
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ReceiveAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    /// <summary>Every body received so far, in arrival order.</summary>
    public IReadOnlyList<string> Bodies => [.. _bodies];

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under a pending GetContextAsync: that is how the loop ends.
        }
    }

    private async Task ReceiveAsync()
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
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream))
            {
                _bodies.Enqueue(await reader.ReadToEndAsync());
            }

            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }
}
