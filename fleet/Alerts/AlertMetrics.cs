using System.Diagnostics.Metrics;
using Edge.Fleet.Metrics;

namespace Edge.Fleet.Alerts;

/// <summary>
/// The alerts' meter (<c>Edge.Fleet.Alerts</c>): open alerts by kind (read from the store through
/// <see cref="OpenAlertCache"/> as a <see cref="CachedReading{T}"/>, so a scrape never waits on the alert store) and the
/// webhook's outcomes (counted by <see cref="AlertWebhook"/>).
/// </summary>
public sealed class AlertMetrics
{
    public const string MeterName = MetricsRegistration.MeterPrefix + "Alerts";

    private static readonly KeyValuePair<string, object?> Sent = new("outcome", "sent");
    private static readonly KeyValuePair<string, object?> Failed = new("outcome", "failed");
    private static readonly string[] Kinds = typeof(AlertKinds).GetFields().Select(f => (string)f.GetValue(null)!).Order(StringComparer.Ordinal).ToArray();

    private readonly Counter<long> _webhook;

    public AlertMetrics(IMeterFactory meters, OpenAlertCache alerts)
    {
        var open = new CachedReading<IReadOnlyList<Alert>>(alerts.ReadAsync, TimeSpan.FromSeconds(10));
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge(
            "edge_alerts_open",
            () => open.Latest() is { } read ? ByKind(read) : Array.Empty<Measurement<long>>(),
            description: "Open alerts by kind.");
        _webhook = meter.CreateCounter<long>("edge_alert_webhook_total", description: "Alert notices POSTed to the webhook, by outcome.");
        _webhook.Add(0, Sent);
        _webhook.Add(0, Failed);
    }

    public void WebhookSent() => _webhook.Add(1, Sent);

    public void WebhookFailed() => _webhook.Add(1, Failed);

    private static IEnumerable<Measurement<long>> ByKind(IReadOnlyList<Alert> open)
    {
        var counts = open.GroupBy(a => a.Kind).ToDictionary(g => g.Key, g => g.Count());
        return Kinds.Select(kind => new Measurement<long>(counts.GetValueOrDefault(kind), new KeyValuePair<string, object?>("kind", kind)));
    }
}
