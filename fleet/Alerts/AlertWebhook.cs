using System.Net.Http.Json;
using Edge.Fleet.Web;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Alerts;

/// <summary>What the webhook receives: <see cref="Event"/> is "opened" or "resolved".</summary>
public sealed record AlertNotice(string Event, Alert Alert);

/// <summary>
/// POSTs one notice to <c>Alerts:WebhookUrl</c> as JSON (10 s timeout) and counts the outcomes on this node
/// (<see cref="AlertMetrics"/>; none when built without one, as in tests). Notices
/// are queued in the alert store with their transition and sent by <see cref="AlertNoticeSender"/>.
/// </summary>
public sealed class AlertWebhook(HttpClient http, IOptions<AlertOptions> options, AlertMetrics? metrics = null)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _wake = new(0, 1);
    /// <summary>False without <c>Alerts:WebhookUrl</c>: then no notice is queued at all.</summary>
    public bool IsConfigured => !string.IsNullOrEmpty(options.Value.WebhookUrl);

    /// <summary>Null when the receiver took the notice (a 2xx answer), else why not.</summary>
    public async Task<string?> PostAsync(AlertNotice notice, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            using var response = await http.PostAsJsonAsync(options.Value.WebhookUrl, notice, AlertsJson.Default.AlertNotice, timeout.Token);
            response.EnsureSuccessStatusCode();
            metrics?.WebhookSent();
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            metrics?.WebhookFailed();
            return ex.Message;
        }
    }

    /// <summary>Tells the sender that a notice was queued (so it need not wait for its next poll).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    /// <summary>Waits for <see cref="Wake"/> or <paramref name="timeout"/>.</summary>
    internal Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);
}
