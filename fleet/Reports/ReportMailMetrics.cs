using Edge.Fleet.Metrics;

namespace Edge.Fleet.Reports;

/// <summary>Report e-mails in <c>/metrics</c>: sent and failed through SMTP.</summary>
public sealed class ReportMailMetrics(ReportMailSchedule reportMails) : IMetricsSection
{
    public void Render(PrometheusText text) =>
        text.Family("edge_report_mail_total", "counter", "Report e-mails (one per centre, period and manager) sent through SMTP, by outcome (a failed one is retried, then a dead letter).")
            .Sample("edge_report_mail_total", reportMails.Sent, ("outcome", "sent"))
            .Sample("edge_report_mail_total", reportMails.Failed, ("outcome", "failed"));
}
