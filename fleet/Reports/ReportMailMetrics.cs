using System.Diagnostics.Metrics;
using Edge.Fleet.Metrics;

namespace Edge.Fleet.Reports;

/// <summary>The reports' meter (<c>Edge.Fleet.Reports</c>): report e-mails sent and failed through SMTP, counted by <see cref="ReportMailSchedule"/>.</summary>
public sealed class ReportMailMetrics
{
    public const string MeterName = MetricsRegistration.MeterPrefix + "Reports";

    private readonly SendOutcomes _mails;

    public ReportMailMetrics(IMeterFactory meters)
    {
        _mails = new SendOutcomes(
            meters.Create(MeterName),
            "edge_report_mail_total",
            "Report e-mails (one per centre, period and manager) sent through SMTP, by outcome (a failed one is retried, then a dead letter).");
    }

    public void MailSent() => _mails.Sent();

    public void MailFailed() => _mails.Failed();
}
