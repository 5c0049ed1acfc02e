namespace Edge.Fleet.Alerts;

/// <summary>
/// The open alerts, kept in step with what the rules report: a condition reported (for its hold time) opens an
/// alert, one no longer reported resolves it. Every change is saved before it is announced to the webhook.
/// One evaluator calls <see cref="ApplyAsync"/> at a time; readers get snapshots.
/// </summary>
public sealed class AlertBook(IAlertStore store, AlertWebhook webhook, ILogger<AlertBook> logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Alert> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _pendingSince = new(StringComparer.Ordinal);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var open = await store.OpenAlertsAsync(cancellationToken);
        lock (_lock)
        {
            foreach (var alert in open)
            {
                _open[alert.Key] = alert;
            }
        }
    }

    public IReadOnlyList<Alert> Open()
    {
        lock (_lock)
        {
            return [.. _open.Values.OrderByDescending(a => a.OpenedAt)];
        }
    }

    public IReadOnlySet<string> OpenKeys()
    {
        lock (_lock)
        {
            return new HashSet<string>(_open.Keys, StringComparer.Ordinal);
        }
    }

    public async Task ApplyAsync(IReadOnlyList<AlertCondition> conditions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = conditions.DistinctBy(c => c.Key).ToDictionary(c => c.Key, StringComparer.Ordinal);
        List<Alert> opened = [];
        List<Alert> resolved = [];
        lock (_lock)
        {
            foreach (var (key, condition) in current)
            {
                if (_open.ContainsKey(key))
                {
                    continue;
                }

                var since = _pendingSince.TryGetValue(key, out var first) ? first : _pendingSince[key] = now;
                if (now - since >= condition.HoldFor)
                {
                    opened.Add(Alert.Open(condition, now));
                }
            }

            foreach (var key in _pendingSince.Keys.Where(k => !current.ContainsKey(k)).ToList())
            {
                _pendingSince.Remove(key);
            }

            resolved.AddRange(_open.Values.Where(a => !current.ContainsKey(a.Key)).Select(a => a with { ResolvedAt = now }));
        }

        foreach (var alert in opened)
        {
            await store.SaveAsync(alert, cancellationToken);
            lock (_lock)
            {
                _open[alert.Key] = alert;
                _pendingSince.Remove(alert.Key);
            }

            logger.LogWarning("Alert opened: {Kind} {Subject}: {Detail}", alert.Kind, alert.DeviceId ?? alert.Counter, alert.Detail);
            webhook.Notify("opened", alert);
        }

        foreach (var alert in resolved)
        {
            await store.SaveAsync(alert, cancellationToken);
            lock (_lock)
            {
                _open.Remove(alert.Key);
            }

            logger.LogInformation("Alert resolved: {Kind} {Subject}", alert.Kind, alert.DeviceId ?? alert.Counter);
            webhook.Notify("resolved", alert);
        }
    }
}
