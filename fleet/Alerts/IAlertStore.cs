namespace Edge.Fleet.Alerts;

/// <summary>
/// Alerts with their history, the notices the webhook still has to send (an outbox), the conditions waiting out
/// their hold time, and the per-centre rule changes made through the API. Transitions are conditional so that two
/// evaluators racing (a failover) commit each transition once: <see cref="TryOpenAsync"/> opens at most one alert
/// per key, <see cref="TryResolveAsync"/> resolves an alert once, and each records its notice in the same commit.
/// </summary>
public interface IAlertStore
{
    Task<IReadOnlyList<Alert>> OpenAlertsAsync(CancellationToken cancellationToken);

    /// <summary>Alerts opened at or after <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<Alert>> HistoryAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="alert"/> (open) unless an alert with its key is open already; with <paramref name="notify"/>
    /// queues its "opened" notice in the same commit. True when this call opened it.
    /// </summary>
    Task<bool> TryOpenAsync(Alert alert, bool notify, CancellationToken cancellationToken);

    /// <summary>
    /// Resolves the open alert <paramref name="alertId"/> at <paramref name="at"/>; with <paramref name="notify"/> queues
    /// its "resolved" notice in the same commit. The resolved alert, or null when it was not open (already resolved).
    /// </summary>
    Task<Alert?> TryResolveAsync(string alertId, DateTimeOffset at, bool notify, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="limit"/> notices due at <paramref name="now"/> (pending, or sending with an expired
    /// claim) for <paramref name="claimFor"/>, oldest first; a "resolved" notice waits for its alert's "opened" one.
    /// Each claim counts an attempt.
    /// </summary>
    Task<IReadOnlyList<QueuedNotice>> ClaimDueNoticesAsync(DateTimeOffset now, TimeSpan claimFor, int limit, CancellationToken cancellationToken);

    /// <summary>Marks a claimed notice <see cref="NoticeStates.Sent"/>.</summary>
    Task MarkNoticeSentAsync(string noticeId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>A claimed notice not taken: due again at <paramref name="retryAt"/>, or <see cref="NoticeStates.Failed"/> when null.</summary>
    Task MarkNoticeNotSentAsync(string noticeId, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken);

    /// <summary>Every notice with its state, newest first (for tests and diagnosis).</summary>
    Task<IReadOnlyList<NoticeRecord>> NoticesAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Conditions reported but still within their hold time: key → first reported.</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> HoldsAsync(CancellationToken cancellationToken);

    /// <summary>Records holds that started (an existing one keeps its time) and forgets those that ended.</summary>
    Task UpdateHoldsAsync(IReadOnlyDictionary<string, DateTimeOffset> started, IReadOnlyCollection<string> ended, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, AlertRuleSettings>> CentreRulesAsync(CancellationToken cancellationToken);

    Task SaveCentreRulesAsync(string centre, AlertRuleSettings settings, CancellationToken cancellationToken);
}

/// <summary>The states of a webhook notice, in order: queued, claimed by a sender, taken by the receiver, given up.</summary>
public static class NoticeStates
{
    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}

/// <summary>The transitions a notice announces.</summary>
public static class NoticeEvents
{
    public const string Opened = "opened";
    public const string Resolved = "resolved";

    /// <summary>One notice per alert and transition: its id says which.</summary>
    public static string NoticeId(string alertId, string @event) => $"{alertId}/{@event}";
}

/// <summary>A notice claimed for sending: what the webhook receives, and which attempt this is.</summary>
public sealed record QueuedNotice(string Id, AlertNotice Notice, int Attempts);

/// <summary>A notice as stored, whatever its state.</summary>
public sealed record NoticeRecord(string Id, string AlertId, string Event, string State, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, string? LastError);
