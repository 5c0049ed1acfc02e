namespace Edge.Fleet.Alerts;

/// <summary>The states of a queued e-mail: the same names and order as a webhook notice's (<see cref="NoticeStates"/>).</summary>
public static class MailStates
{
    public const string Pending = NoticeStates.Pending;
    public const string Sending = NoticeStates.Sending;
    public const string Sent = NoticeStates.Sent;
    public const string Failed = NoticeStates.Failed;

    /// <summary>One e-mail per alert, transition and person: its id says which.</summary>
    public static string MailId(string alertId, string @event, string person) => $"{alertId}/{@event}/{person}";
}

/// <summary>An e-mail claimed for sending, with its alert as the transition left it.</summary>
public sealed record QueuedMail(string Id, string Person, string Address, string Event, Alert Alert, int Attempts, DateTimeOffset CreatedAt);

/// <summary>Where a dead letter waits: a webhook notice or an e-mail.</summary>
public static class DeadLetterChannels
{
    public const string Webhook = "webhook";
    public const string Mail = "mail";

    /// <summary>A centre report's e-mail to one manager (fleet/Reports): <see cref="DeadLetter.Event"/> is <c>report</c>, no alert.</summary>
    public const string ReportMail = "report-mail";
}

/// <summary>A notice or e-mail given up after its last attempt (<c>GET /api/v1/notifications/dead-letters</c>).</summary>
public sealed record DeadLetter(string Channel, string Id, string AlertId, string Event, string? Recipient, int Attempts,
    DateTimeOffset CreatedAt, string? LastError);

/// <summary>A queued e-mail as stored, whatever its state (for tests and diagnosis).</summary>
public sealed record MailRecord(string Id, string AlertId, string Event, string Person, string Address, string State, int Attempts,
    DateTimeOffset DueAt, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, string? LastError);
