using Edge.Fleet.Alerts;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Leadership;
using Microsoft.Extensions.Options;
using Edge.Fleet.Centres;

namespace Edge.Fleet.Notifications;

/// <summary>
/// Sends the queued alert e-mails, on the leading node only: claims the recipients with something due (each with
/// everything pending for them: one e-mail, a digest when there are several), sends through <see cref="SmtpMailer"/>,
/// and marks them sent, or due again after a backoff (<c>RetryAfterSeconds</c>, doubling up to an hour), or failed
/// after <c>MaxAttempts</c> (a dead letter, listed to administrators). A claim lasts <see cref="ClaimFor"/>; a node
/// dying meanwhile leaves it to the next leader once it expires. Delivery is at least once, as for the webhook.
/// </summary>
public sealed class AlertMailSender : BackgroundService
{
    public static readonly TimeSpan ClaimFor = SmtpMailer.Timeout * 4;
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);
    private const int RecipientsPerRound = 20;

    private readonly IAlertStore _store;
    private readonly SmtpMailer _mailer;
    private readonly IFleetLeadership _leadership;
    private readonly IOptions<NotificationOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertMailSender> _logger;
    private readonly AlertMailComposer _composer;
    private readonly AlertMailMetrics _metrics;
    private readonly SemaphoreSlim _wake = new(0, 1);

    public AlertMailSender(IAlertStore store, SmtpMailer mailer, AlertTransitions book, IFleetLeadership leadership, IOptions<NotificationOptions> options,
        IOptions<AlertOptions> alertOptions, TimeProvider time, AlertMailMetrics metrics, ILogger<AlertMailSender> logger)
    {
        _metrics = metrics;
        _store = store;
        _mailer = mailer;
        _leadership = leadership;
        _options = options;
        _time = time;
        _logger = logger;
        _composer = new AlertMailComposer(options.Value.Smtp.From, options.Value.DashboardUrl,
            CentreClock.TryFindZone(alertOptions.Value.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc);
        book.MailsQueued += Wake;
    }

    /// <summary>Sends what is due now, if this node leads; returns how many queued e-mails the server took.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var settings = _options.Value;
        if (!settings.IsConfigured || !_leadership.IsLeader)
        {
            return 0;
        }

        var taken = 0;
        IReadOnlyList<QueuedMail> claimed;
        do
        {
            claimed = await _store.ClaimDueMailsAsync(_time.GetUtcNow(), ClaimFor, RecipientsPerRound, cancellationToken);
            var byAddress = claimed.GroupBy(m => m.Address, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
            var outcomes = await _mailer.SendAsync(byAddress.Select(g => _composer.Compose(g[0].Address, g)).ToList(), cancellationToken);
            for (var i = 0; i < byAddress.Count; i++)
            {
                var group = byAddress[i];
                if (outcomes[i] is not { } error)
                {
                    await _store.MarkMailsSentAsync(group.Select(m => m.Id).ToList(), _time.GetUtcNow(), cancellationToken);
                    taken += group.Count;
                    _metrics.MailsSent(group.Count);
                    continue;
                }

                _metrics.MailsFailed(group.Count);
                foreach (var mail in group)
                {
                    var retryAt = mail.Attempts >= settings.MaxAttempts ? (DateTimeOffset?)null : _time.GetUtcNow() + Backoff(mail.Attempts);
                    await _store.MarkMailNotSentAsync(mail.Id, error, retryAt, cancellationToken);
                }

                _logger.LogWarning("Alert e-mail to {Address} ({Count} notification(s)) not sent: {Error}", group[0].Address, group.Count, error);
            }
        }
        while (claimed.Count > 0 && claimed.Select(m => m.Address).Distinct(StringComparer.Ordinal).Count() == RecipientsPerRound && _leadership.IsLeader);

        return taken;
    }

    /// <summary><c>RetryAfterSeconds</c> after the first failure, doubling, at most an hour.</summary>
    public TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(3600, _options.Value.RetryAfterSeconds * Math.Pow(2, Math.Max(0, attempts - 1))));

    /// <summary>Something was queued: send without waiting for the next poll.</summary>
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Value.IsConfigured)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SendDueAsync(stoppingToken);
                await _wake.WaitAsync(PollEvery, stoppingToken);
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
                    _logger.LogError(ex, "Sending alert e-mails failed; trying again shortly");
                }

                try
                {
                    await Task.Delay(PollEvery * 5, _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }
}
