using System.Diagnostics.Metrics;
using Edge.Fleet.Metrics;

namespace Edge.Fleet.Reports;

/// <summary>The reports' meter (<c>Edge.Fleet.Reports</c>): report e-mails sent and failed through SMTP, counted by <see cref="ReportMailSchedule"/>.</summary>
public sealed class ReportMailMetrics
{
    public const string MeterName = MetricsRegistration.MeterPrefix + "Reports";

    private static readonly KeyValuePair<string, object?> Sent = new("outcome", "sent");
    private static readonly KeyValuePair<string, object?> Failed = new("outcome", "failed");

    private readonly Counter<long> _mails;

    public ReportMailMetrics(IMeterFactory meters)
    {
        _mails = meters.Create(MeterName).CreateCounter<long>(
            "edge_report_mail_total",
            description: "Report e-mails (one per centre, period and manager) sent through SMTP, by outcome (a failed one is retried, then a dead letter).");
        _mails.Add(0, Sent);
        _mails.Add(0, Failed);
    }

    public void MailSent() => _mails.Add(1, Sent);

    public void MailFailed() => _mails.Add(1, Failed);
}
