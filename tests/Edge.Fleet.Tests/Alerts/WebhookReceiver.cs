using System.Net;
using System.Text.Json;
using Edge.Fleet.Alerts;
using Edge.Fleet.Web;
using Edge.Testing;

namespace Edge.Fleet.Tests.Alerts;

/// <summary>A webhook on 127.0.0.1 that records every notice it is sent and answers 200.</summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<AlertNotice> _notices = [];

    private Task _loop = Task.CompletedTask;

    /// <summary>Picks a free port; <paramref name="listen"/> false leaves it closed until <see cref="Start"/>.</summary>
    public WebhookReceiver(bool listen = true)
    {
        Url = $"http://127.0.0.1:{FreePort.Next()}/hook/";
        _listener.Prefixes.Add(Url);
        if (listen)
        {
            Start();
        }
    }

    public void Start()
    {
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public IReadOnlyList<AlertNotice> Notices
    {
        get
        {
            lock (_notices)
            {
                return [.. _notices];
            }
        }
    }

    public void Dispose()
    {
        if (_listener.IsListening)
        {
            _listener.Close();
        }

        _loop.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
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

            var notice = await JsonSerializer.DeserializeAsync(context.Request.InputStream, AlertsJson.Default.AlertNotice);
            lock (_notices)
            {
                _notices.Add(notice!);
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
