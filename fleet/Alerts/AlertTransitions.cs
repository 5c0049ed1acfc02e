namespace Edge.Fleet.Alerts;

/// <summary>
/// Turns what the rules report into committed transitions: a condition reported (for its hold time) opens an alert,
/// an open alert no longer reported resolves. It keeps nothing in memory: the open alerts and the holds are read from
/// the store each round, so a new leader carries on where the last one stopped. Each transition is conditional in the
/// store and queues its webhook notice in the same commit, so only a transition this call really committed is
/// announced (two nodes evaluating at once during a failover open one alert and queue one notice). The transition's
/// e-mails (<see cref="IAlertMailPlanner"/>: who, and when) go into the same commit.
/// </summary>
public sealed class AlertTransitions(IAlertStore store, AlertWebhook webhook, OpenAlertCache cache, ILogger<AlertTransitions> logger,
    IAlertMailPlanner? mails = null)
{
    private readonly IAlertMailPlanner _mails = mails ?? new NoAlertMails();

    /// <summary>Raised after this node committed a transition that queued e-mails (wakes the mail sender).</summary>
    public event Action? MailsQueued;

    /// <summary>What one round committed.</summary>
    public sealed record Changes(IReadOnlyList<Alert> Opened, IReadOnlyList<Alert> Resolved);

    /// <summary>
    /// Applies one round of <paramref name="conditions"/> against <paramref name="open"/>, the open alerts read from the
    /// store at the start of the round.
    /// </summary>
    public async Task<Changes> ApplyAsync(
        IReadOnlyList<AlertCondition> conditions, IReadOnlyList<Alert> open, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = conditions.DistinctBy(c => c.Key).ToDictionary(c => c.Key, StringComparer.Ordinal);
        var openKeys = open.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        var holds = await store.HoldsAsync(cancellationToken);
        var notify = webhook.IsConfigured;

        var started = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var opened = new List<Alert>();
        foreach (var (key, condition) in current.Where(c => !openKeys.Contains(c.Key)))
        {
            var since = now;
            if (condition.HoldFor > TimeSpan.Zero)
            {
                if (holds.TryGetValue(key, out var first))
                {
                    since = first;
                }
                else
                {
                    started[key] = now;
                }
            }

            if (now - since < condition.HoldFor)
            {
                continue;
            }

            var alert = Alert.Open(condition, now);
            var outbox = new AlertOutbox(notify, await _mails.PlanAsync(alert, NoticeEvents.Opened, now, cancellationToken));
            if (await store.TryOpenAsync(alert, outbox, cancellationToken))
            {
                opened.Add(alert);
                logger.LogWarning("Alert opened: {Kind} {Subject}: {Detail}", alert.Kind, alert.DeviceId ?? alert.Counter, alert.Detail);
            }

            started.Remove(key);
            openKeys.Add(key);
        }

        var ended = holds.Keys.Where(k => !current.ContainsKey(k) || openKeys.Contains(k)).ToList();
        await store.UpdateHoldsAsync(started, ended, cancellationToken);

        var resolved = new List<Alert>();
        foreach (var alert in open.Where(a => !current.ContainsKey(a.Key)))
        {
            var outbox = new AlertOutbox(notify, await _mails.PlanAsync(alert with { ResolvedAt = now }, NoticeEvents.Resolved, now, cancellationToken));
            if (await store.TryResolveAsync(alert.Id, now, null, null, outbox, cancellationToken) is { } done)
            {
                resolved.Add(done);
                logger.LogInformation("Alert resolved: {Kind} {Subject}", alert.Kind, alert.DeviceId ?? alert.Counter);
            }
        }

        if (opened.Count > 0 || resolved.Count > 0)
        {
            cache.Invalidate();
            if (notify)
            {
                webhook.Wake();
            }

            MailsQueued?.Invoke();
        }

        return new Changes(opened, resolved);
    }

    /// <summary>
    /// A person resolves an open alert (fleet/Alerts README: if the condition is still reported, the next round opens
    /// a new alert that <see cref="Alert.Reopens"/> this one). The resolved alert, or null when it was not open.
    /// </summary>
    public async Task<Alert?> ResolveByAsync(Alert alert, string person, string? comment, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var notify = webhook.IsConfigured;
        var outbox = new AlertOutbox(notify,
            await _mails.PlanAsync(alert with { ResolvedAt = now, ResolvedBy = person }, NoticeEvents.Resolved, now, cancellationToken));
        if (await store.TryResolveAsync(alert.Id, now, person, comment, outbox, cancellationToken) is not { } done)
        {
            return null;
        }

        logger.LogInformation("Alert resolved by {Person}: {Kind} {Subject}", person, alert.Kind, alert.DeviceId ?? alert.Counter);
        cache.Invalidate();
        if (notify)
        {
            webhook.Wake();
        }

        MailsQueued?.Invoke();
        return done;
    }
}
