using Edge.Fleet.Metrics;

namespace Edge.Fleet.Notifications;

/// <summary>Alert e-mails in <c>/metrics</c>: sent and failed through SMTP.</summary>
public sealed class AlertMailMetrics(AlertMailSender alertMails) : IMetricsSection
{
    public void Render(PrometheusText text) =>
        text.Family("edge_alert_mail_total", "counter", "Alert e-mail notifications sent through SMTP, by outcome (a failed one is retried, then a dead letter).")
            .Sample("edge_alert_mail_total", alertMails.Sent, ("outcome", "sent"))
            .Sample("edge_alert_mail_total", alertMails.Failed, ("outcome", "failed"));
}
