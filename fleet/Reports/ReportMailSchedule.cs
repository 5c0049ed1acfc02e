using Edge.Fleet.Auth;
using Edge.Fleet.Notifications;
using Edge.Fleet.Store.Leadership;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Reports;

/// <summary>
/// E-mails each centre's weekly report (due Mondays at <c>Reports:MailAt</c>, centre time) and monthly report (due on
/// the 1st at the same time) to the centre's managers who have an e-mail address, through <see cref="SmtpMailer"/>.
/// Runs on the leading node only; each (centre, period, person) is claimed in the <see cref="IReportMailStore"/> before it
/// is sent and marked sent after, so a restart or another node never sends it twice (a node dying between the server's
/// <c>250</c> and the mark sends it again after the claim expires: at least once, as the alert e-mails).
/// Only the latest due period is sent: a fleet started mid-week sends last week's report, not older ones.
/// </summary>
public sealed class ReportMailSchedule(
    CentreReportBuilder builder,
    IReportMailStore store,
    UserDirectory users,
    SmtpMailer mailer,
    IFleetLeadership leadership,
    IOptions<ReportOptions> options,
    IOptions<NotificationOptions> notificationOptions,
    TimeProvider time,
    ReportMailMetrics metrics,
    ILogger<ReportMailSchedule> logger) : BackgroundService
{
    public static readonly TimeSpan ClaimFor = SmtpMailer.Timeout * 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.CheckEverySeconds), time);
        do
        {
            try
            {
                await SendDueAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Report e-mails: this round failed, trying again at the next");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>The periods whose reports are due now (at most one week and one month).</summary>
    public IReadOnlyList<ReportPeriod> DuePeriods(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, builder.Zone);
        var today = DateOnly.FromDateTime(local.DateTime);
        var at = TimeOnly.ParseExact(options.Value.MailAt, "HH:mm");
        var pastTime = TimeOnly.FromDateTime(local.DateTime) >= at;
        var due = new List<ReportPeriod>();
        if (today.DayOfWeek != DayOfWeek.Monday || pastTime)
        {
            due.Add(ReportPeriod.LastBefore(ReportPeriod.Week, today));
        }

        if (today.Day != 1 || pastTime)
        {
            due.Add(ReportPeriod.LastBefore(ReportPeriod.Month, today));
        }

        return due;
    }

    /// <summary>One round: every due report to every recipient not yet sent; returns how many were sent.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var mail = notificationOptions.Value;
        if (!options.Value.Mail || !mail.IsConfigured || !leadership.IsLeader)
        {
            return 0;
        }

        var managers = (await users.ListAsync(cancellationToken))
            .Where(u => u.Role == UserRoles.Manager && !string.IsNullOrEmpty(u.Email))
            .ToList();
        var sent = 0;
        foreach (var period in DuePeriods(time.GetUtcNow()))
        {
            foreach (var centre in managers.SelectMany(u => u.Centres).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                var claimed = new List<(string Id, string Address)>();
                foreach (var person in managers.Where(u => u.Centres.Contains(centre)))
                {
                    var id = ReportMailStates.MailId(centre, period, person.Name);
                    if (await store.TryClaimAsync(id, time.GetUtcNow(), ClaimFor, mail.MaxAttempts, cancellationToken))
                    {
                        claimed.Add((id, person.Email!));
                    }
                }

                if (claimed.Count == 0)
                {
                    continue;
                }

                sent += await SendAsync(centre, period, claimed, cancellationToken);
            }
        }

        return sent;
    }

    private async Task<int> SendAsync(string centre, ReportPeriod period, List<(string Id, string Address)> claimed, CancellationToken cancellationToken)
    {
        var settings = notificationOptions.Value;
        byte[] pdf;
        CentreReport report;
        try
        {
            if (!DejaVuFontResolver.TryInstall(options.Value.FontDirectory, out var fontError))
            {
                throw new InvalidOperationException(fontError);
            }

            report = await builder.BuildAsync(centre, period, cancellationToken);
            pdf = ReportPdfWriter.Write(report);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            foreach (var (id, _) in claimed)
            {
                await NotSentAsync(id, "report: " + ex.Message, cancellationToken);
            }

            return 0;
        }

        var messages = claimed.Select(c => ReportMailComposer.Compose(settings.Smtp.From, c.Address, report, pdf, settings.DashboardUrl)).ToList();
        var outcomes = await mailer.SendAsync(messages, cancellationToken);
        var sent = 0;
        for (var i = 0; i < claimed.Count; i++)
        {
            if (outcomes[i] is { } error)
            {
                await NotSentAsync(claimed[i].Id, error, cancellationToken);
                continue;
            }

            await store.MarkSentAsync(claimed[i].Id, time.GetUtcNow(), cancellationToken);
            metrics.MailSent();
            sent++;
        }

        logger.LogInformation("Report e-mails: {Kind} report of centre {Centre} from {From} sent to {Sent} of {Claimed} managers",
            period.Kind, centre, period.FromDay, sent, claimed.Count);
        return sent;
    }

    private async Task NotSentAsync(string id, string error, CancellationToken cancellationToken)
    {
        metrics.MailFailed();
        var final = (await store.ListAsync(int.MaxValue, cancellationToken)).FirstOrDefault(r => r.Id == id) is { } row
            && row.Attempts >= notificationOptions.Value.MaxAttempts;
        await store.MarkNotSentAsync(id, error, final, cancellationToken);
        logger.LogWarning("Report e-mail {Id} not sent{Final}: {Error}", id, final ? " (given up, dead letter)" : ", retried at the next round", error);
    }
}
