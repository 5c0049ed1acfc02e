namespace Edge.Fleet.Reports;

/// <summary>
/// The report e-mails' ledger: one row per report and person (<see cref="ReportMailStates.MailId"/>), so a restart or a
/// second node never sends a report twice. States as the alert e-mail outbox's (fleet/Alerts): <c>sending</c> (claimed
/// until a deadline, each claim an attempt) → <c>sent</c>, or back to claimable after a failure, <c>failed</c> after the
/// last attempt. Implementations: <see cref="LiteReportMailStore"/>, <see cref="PostgresReportMailStore"/>.
/// </summary>
public interface IReportMailStore
{
    /// <summary>
    /// Claims the mail for sending until <paramref name="now"/> + <paramref name="claimFor"/>: true when it was never
    /// sent, is not claimed by someone else now, and has had fewer than <paramref name="maxAttempts"/> attempts.
    /// </summary>
    Task<bool> TryClaimAsync(string mailId, DateTimeOffset now, TimeSpan claimFor, int maxAttempts, CancellationToken cancellationToken);

    Task MarkSentAsync(string mailId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Releases the claim with the reason; <paramref name="final"/>: no more attempts (<c>failed</c>).</summary>
    Task MarkNotSentAsync(string mailId, string error, bool final, CancellationToken cancellationToken);

    /// <summary>Every row, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ReportMailRecord>> ListAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// A <c>failed</c> mail (a dead letter) claimable again with its attempts reset; false when there is no failed mail
    /// of that id. The schedule sends it at its next round while its period is still the latest due.
    /// </summary>
    Task<bool> RetryFailedAsync(string mailId, CancellationToken cancellationToken);
}

/// <summary>One report e-mail's row; <see cref="CreatedAt"/>: its first claim.</summary>
public sealed record ReportMailRecord(string Id, string State, int Attempts, DateTimeOffset ClaimedUntil, DateTimeOffset? SentAt, string? LastError)
{
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The person it is for (the last part of <see cref="ReportMailStates.MailId"/>).</summary>
    public string Person => Id[(Id.LastIndexOf('/') + 1)..];
}

public static class ReportMailStates
{
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Pending = "pending";
    public const string Failed = "failed";

    /// <summary>e.g. <c>centre-1/week/2026-11-23/lan</c>: one report of one centre for one person.</summary>
    public static string MailId(string centre, ReportPeriod period, string person) => $"{centre}/{period.Kind}/{period.FromDay}/{person}";
}
