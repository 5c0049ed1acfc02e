namespace Edge.Fleet.Alerts;

/// <summary>What people do to an alert, as its history names it.</summary>
public static class AlertActions
{
    public const string Acknowledged = "acknowledged";
    public const string Assigned = "assigned";
    public const string Commented = "commented";
    public const string Resolved = "resolved";
}

/// <summary>One step of an alert's history: who did what, when (<see cref="Detail"/>: the assignee or the comment).</summary>
public sealed record AlertAction(string AlertId, DateTimeOffset At, string Actor, string Action, string? Detail);

/// <summary>How a piece of work on an alert ended in the store.</summary>
public enum AlertWorkOutcome
{
    /// <summary>Recorded, with its history entry, in one commit.</summary>
    Done,

    /// <summary>No alert with that id.</summary>
    NotFound,

    /// <summary>The alert is resolved already (acknowledge, assign and resolve need an open alert; comments do not).</summary>
    NotOpen,

    /// <summary>Someone acknowledged it already.</summary>
    AlreadyAcknowledged,
}

/// <summary>The outcome and the alert as it is after it (null when not found).</summary>
public sealed record AlertWorkResult(AlertWorkOutcome Outcome, Alert? Alert);

/// <summary>
/// What a transition queues in its own commit: a webhook notice (<see cref="Webhook"/>) and one e-mail per recipient
/// (<see cref="Mails"/>, fleet/Notifications).
/// </summary>
public sealed record AlertOutbox(bool Webhook, IReadOnlyList<MailTo> Mails)
{
    public static AlertOutbox None { get; } = new(false, []);
}

/// <summary>An e-mail to queue: the person, their address, and when it may go (later in quiet hours or a digest window).</summary>
public sealed record MailTo(string Person, string Address, DateTimeOffset DueAt);

/// <summary>The e-mails of a transition's recipients; fleet/Notifications decides who and when.</summary>
public interface IAlertMailPlanner
{
    /// <summary>Who gets an e-mail of <paramref name="event"/> (opened or resolved) of <paramref name="alert"/>, and when.</summary>
    Task<IReadOnlyList<MailTo>> PlanAsync(Alert alert, string @event, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>No e-mails (no SMTP server configured).</summary>
public sealed class NoAlertMails : IAlertMailPlanner
{
    public Task<IReadOnlyList<MailTo>> PlanAsync(Alert alert, string @event, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MailTo>>([]);
}
