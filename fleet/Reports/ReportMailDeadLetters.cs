using Edge.Fleet.Alerts;
using Edge.Fleet.Notifications;

namespace Edge.Fleet.Reports;

/// <summary>The report e-mails given up (<see cref="ReportMailStates.Failed"/>), as dead letters of <see cref="DeadLetterChannels.ReportMail"/>.</summary>
public sealed class ReportMailDeadLetters(IReportMailStore store) : IDeadLetterSource
{
    public string Channel => DeadLetterChannels.ReportMail;

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int limit, CancellationToken cancellationToken) =>
        (await store.ListAsync(int.MaxValue, cancellationToken))
            .Where(r => r.State == ReportMailStates.Failed)
            .Select(r => new DeadLetter(DeadLetterChannels.ReportMail, r.Id, "", "report", r.Person, r.Attempts, r.CreatedAt, r.LastError))
            .OrderByDescending(l => l.CreatedAt)
            .Take(limit)
            .ToList();

    public Task<bool> RetryAsync(string id, CancellationToken cancellationToken) => store.RetryFailedAsync(id, cancellationToken);
}
