using Edge.Fleet.Store;
using Edge.Fleet.Store.Leadership;

namespace Edge.Fleet.Alerts;

/// <summary>
/// Sends the queued webhook notices, on the leading node only: claims the due ones in the store, POSTs each, and marks
/// it sent, or due again after a backoff (5 s doubling up to 10 min), or failed after <see cref="MaxAttempts"/>.
/// A claim lasts <see cref="ClaimFor"/>; if the node dies meanwhile the next leader takes the notice over after it.
/// Delivery is at least once: a node that dies after the receiver took a notice and before it marked it sent leaves
/// it claimed, and the next leader sends it again once the claim expires. Receivers should de-duplicate on
/// alert id and event.
/// </summary>
public sealed class AlertNoticeSender(
    IAlertStore store,
    AlertWebhook webhook,
    IFleetLeadership leadership,
    TimeProvider time,
    ILogger<AlertNoticeSender> logger) : BackgroundService
{
    public const int MaxAttempts = 20;
    public static readonly TimeSpan ClaimFor = AlertWebhook.Timeout * 3;
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);
    private const int BatchSize = 20;

    /// <summary>Sends what is due now, if this node leads; returns how many notices the receiver took.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        if (!webhook.IsConfigured || !leadership.IsLeader)
        {
            return 0;
        }

        var taken = 0;
        IReadOnlyList<QueuedNotice> claimed;
        do
        {
            claimed = await store.ClaimDueNoticesAsync(time.GetUtcNow(), ClaimFor, BatchSize, cancellationToken);
            foreach (var queued in claimed)
            {
                var error = await webhook.PostAsync(queued.Notice, cancellationToken);
                if (error is null)
                {
                    await store.MarkNoticeSentAsync(queued.Id, time.GetUtcNow(), cancellationToken);
                    taken++;
                    continue;
                }

                var retryAt = queued.Attempts >= MaxAttempts ? (DateTimeOffset?)null : time.GetUtcNow() + Backoff(queued.Attempts);
                await store.MarkNoticeNotSentAsync(queued.Id, error, retryAt, cancellationToken);
                logger.LogWarning("Alert webhook did not take {Event} {Kind} of {Subject} (attempt {Attempt}): {Error}; {Next}",
                    queued.Notice.Event, queued.Notice.Alert.Kind, queued.Notice.Alert.DeviceId ?? queued.Notice.Alert.Counter,
                    queued.Attempts, error, retryAt is null ? "giving up" : $"trying again at {retryAt:u}");
            }
        }
        while (claimed.Count == BatchSize && leadership.IsLeader);

        return taken;
    }

    /// <summary>5 s after the first failure, doubling, at most 10 minutes.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(600, 5 * Math.Pow(2, Math.Max(0, attempts - 1))));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SendDueAsync(stoppingToken);
                await webhook.WaitForWorkAsync(PollEvery, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                if (ex is not StoreUnavailableException)
                {
                    // A store file that is down is logged once per outage and counted by StoreOutages.
                    logger.LogError(ex, "Sending alert notices failed; trying again shortly");
                }

                try
                {
                    await Task.Delay(PollEvery * 5, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }
}
