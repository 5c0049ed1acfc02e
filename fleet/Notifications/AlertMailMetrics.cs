using System.Diagnostics.Metrics;
using Edge.Fleet.Metrics;

namespace Edge.Fleet.Notifications;

/// <summary>The notifications' meter (<c>Edge.Fleet.Notifications</c>): alert e-mails sent and failed through SMTP, counted by <see cref="AlertMailSender"/>.</summary>
public sealed class AlertMailMetrics
{
    public const string MeterName = MetricsRegistration.MeterPrefix + "Notifications";

    private readonly SendOutcomes _mails;

    public AlertMailMetrics(IMeterFactory meters)
    {
        _mails = new SendOutcomes(
            meters.Create(MeterName),
            "edge_alert_mail_total",
            "Alert e-mail notifications sent through SMTP, by outcome (a failed one is retried, then a dead letter).");
    }

    public void MailsSent(int mails) => _mails.Sent(mails);

    public void MailsFailed(int mails) => _mails.Failed(mails);
}
