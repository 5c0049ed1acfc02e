using System.Diagnostics.Metrics;
using Edge.Fleet.Metrics;

namespace Edge.Fleet.Notifications;

/// <summary>The notifications' meter (<c>Edge.Fleet.Notifications</c>): alert e-mails sent and failed through SMTP, counted by <see cref="AlertMailSender"/>.</summary>
public sealed class AlertMailMetrics
{
    public const string MeterName = MetricsRegistration.MeterPrefix + "Notifications";

    private static readonly KeyValuePair<string, object?> Sent = new("outcome", "sent");
    private static readonly KeyValuePair<string, object?> Failed = new("outcome", "failed");

    private readonly Counter<long> _mails;

    public AlertMailMetrics(IMeterFactory meters)
    {
        _mails = meters.Create(MeterName).CreateCounter<long>(
            "edge_alert_mail_total",
            description: "Alert e-mail notifications sent through SMTP, by outcome (a failed one is retried, then a dead letter).");
        _mails.Add(0, Sent);
        _mails.Add(0, Failed);
    }

    public void MailsSent(int mails) => _mails.Add(mails, Sent);

    public void MailsFailed(int mails) => _mails.Add(mails, Failed);
}
