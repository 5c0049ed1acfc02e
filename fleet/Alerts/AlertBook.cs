namespace Edge.Fleet.Alerts;

/// <summary>
/// Turns what the rules report into committed transitions: a condition reported (for its hold time) opens an alert,
/// an open alert no longer reported resolves. It keeps nothing in memory: the open alerts and the holds are read from
/// the store each round, so a new leader carries on where the last one stopped. Each transition is conditional in the
/// store and queues its webhook notice in the same commit, so only a transition this call really committed is
/// announced (two nodes evaluating at once during a failover open one alert and queue one notice).
/// </summary>
public sealed class AlertBook(IAlertStore store, AlertWebhook webhook, OpenAlertCache cache, ILogger<AlertBook> logger)
{
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
            if (await store.TryOpenAsync(alert, notify, cancellationToken))
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
            if (await store.TryResolveAsync(alert.Id, now, notify, cancellationToken) is { } done)
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
        }

        return new Changes(opened, resolved);
    }
}
