using System.Net.Http.Json;
using Edge.Fleet.Web;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Alerts;

/// <summary>What the webhook receives: <see cref="Event"/> is "opened" or "resolved".</summary>
public sealed record AlertNotice(string Event, Alert Alert);

/// <summary>
/// POSTs every alert opened or resolved to <c>Alerts:WebhookUrl</c> as JSON, in the background and once: a
/// receiver that is down misses the notice (logged), the alert itself stays in the history.
/// </summary>
public sealed class AlertWebhook(HttpClient http, IOptions<AlertOptions> options, ILogger<AlertWebhook> logger)
{
    private long _sent;
    private long _failed;

    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    public void Notify(string @event, Alert alert)
    {
        if (string.IsNullOrEmpty(options.Value.WebhookUrl))
        {
            return;
        }

        _ = SendAsync(options.Value.WebhookUrl, new AlertNotice(@event, alert));
    }

    private async Task SendAsync(string url, AlertNotice notice)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await http.PostAsJsonAsync(url, notice, FleetJson.Default.AlertNotice, timeout.Token);
            response.EnsureSuccessStatusCode();
            Interlocked.Increment(ref _sent);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            Interlocked.Increment(ref _failed);
            logger.LogWarning("Alert webhook {Url} did not take {Event} {Kind} of {Subject}: {Error}",
                url, notice.Event, notice.Alert.Kind, notice.Alert.DeviceId ?? notice.Alert.Counter, ex.Message);
        }
    }
}
