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
    /// Stores <paramref name="alert"/> (open) unless an alert with its key is open already; queues its "opened" notice
    /// and e-mails (<paramref name="outbox"/>) in the same commit. When the last alert of the same key was resolved by
    /// a person, the new one records it in <see cref="Alert.Reopens"/>. True when this call opened it.
    /// </summary>
    Task<bool> TryOpenAsync(Alert alert, AlertOutbox outbox, CancellationToken cancellationToken);

    /// <summary>
    /// Resolves the open alert <paramref name="alertId"/> at <paramref name="at"/>, by <paramref name="by"/> (a person,
    /// recorded in its history with <paramref name="comment"/>; null: the fleet, the condition ended); queues its
    /// "resolved" notice and e-mails in the same commit. The resolved alert, or null when it was not open.
    /// </summary>
    Task<Alert?> TryResolveAsync(string alertId, DateTimeOffset at, string? by, string? comment, AlertOutbox outbox, CancellationToken cancellationToken);

    Task<Alert?> FindAsync(string alertId, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="action"/> (acknowledge, assign or comment; not resolve) and its history entry in one
    /// commit. Acknowledge and assign need an open alert; an alert is acknowledged once.
    /// </summary>
    Task<AlertWorkResult> RecordWorkAsync(AlertAction action, CancellationToken cancellationToken);

    /// <summary>The history of an alert: who did what, oldest first.</summary>
    Task<IReadOnlyList<AlertAction>> ActionsAsync(string alertId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the e-mails of up to <paramref name="addresses"/> recipients who have one due at <paramref name="now"/>:
    /// every pending one of theirs (due or not: they go out together, as one digest) and any whose claim expired.
    /// Each claim counts an attempt.
    /// </summary>
    Task<IReadOnlyList<QueuedMail>> ClaimDueMailsAsync(DateTimeOffset now, TimeSpan claimFor, int addresses, CancellationToken cancellationToken);

    /// <summary>Marks claimed e-mails <see cref="MailStates.Sent"/>.</summary>
    Task MarkMailsSentAsync(IReadOnlyCollection<string> mailIds, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>A claimed e-mail not sent: due again at <paramref name="retryAt"/>, or <see cref="MailStates.Failed"/> when null.</summary>
    Task MarkMailNotSentAsync(string mailId, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken);

    /// <summary>Every queued e-mail with its state, newest first (for tests and diagnosis).</summary>
    Task<IReadOnlyList<MailRecord>> MailsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Failed webhook notices and e-mails, newest first.</summary>
    Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Makes a failed notice or e-mail pending again, due at <paramref name="now"/>, with its attempts reset; false when it is not failed.</summary>
    Task<bool> RetryDeadLetterAsync(string channel, string id, DateTimeOffset now, CancellationToken cancellationToken);

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

/// <summary>The transitions with a webhook notice only (no e-mails), as the fleet makes them.</summary>
public static class AlertStoreTransitions
{
    /// <summary><see cref="IAlertStore.TryOpenAsync"/> with a webhook notice only.</summary>
    public static Task<bool> TryOpenAsync(this IAlertStore store, Alert alert, bool notify, CancellationToken cancellationToken) =>
        store.TryOpenAsync(alert, new AlertOutbox(notify, []), cancellationToken);

    /// <summary>The fleet's resolve (the condition ended), with a webhook notice only.</summary>
    public static Task<Alert?> TryResolveAsync(this IAlertStore store, string alertId, DateTimeOffset at, bool notify, CancellationToken cancellationToken) =>
        store.TryResolveAsync(alertId, at, null, null, new AlertOutbox(notify, []), cancellationToken);
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
