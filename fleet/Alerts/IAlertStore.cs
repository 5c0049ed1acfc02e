namespace Edge.Fleet.Alerts;

/// <summary>Alerts with their history, and the per-centre rule changes made through the API.</summary>
public interface IAlertStore
{
    Task<IReadOnlyList<Alert>> OpenAlertsAsync(CancellationToken cancellationToken);

    /// <summary>Inserts or replaces an alert (opening and resolving both go through here).</summary>
    Task SaveAsync(Alert alert, CancellationToken cancellationToken);

    /// <summary>Alerts opened at or after <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<Alert>> HistoryAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, AlertRuleSettings>> CentreRulesAsync(CancellationToken cancellationToken);

    Task SaveCentreRulesAsync(string centre, AlertRuleSettings settings, CancellationToken cancellationToken);
}
