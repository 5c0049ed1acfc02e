using Edge.Fleet.Alerts;
using Edge.Hosting;

namespace Edge.Fleet.Notifications;

/// <summary>Alert e-mails (section <c>Notifications</c>); nothing is queued without <c>Smtp:Host</c>.</summary>
public sealed class NotificationOptions : ICheckedOptions
{
    public const string Section = "Notifications";

    public SmtpSettings Smtp { get; set; } = new();

    /// <summary>
    /// Per alert kind: who of the alert's centre gets an e-mail, comma-separated: roles (<c>manager</c>: the managers of
    /// the alert's centre; <c>technician</c>, <c>administrator</c>: all of them) and people (<c>user:lan</c>).
    /// A kind left out gets none; an empty value turns a default off.
    /// </summary>
    public Dictionary<string, string> Rules { get; set; } = new(StringComparer.Ordinal)
    {
        [AlertKinds.DeviceOffline] = "manager",
        [AlertKinds.PrinterPaperOut] = "manager",
        [AlertKinds.CounterSilent] = "manager",
        ["satisfaction-below-target"] = "manager,province-officer",
    };

    /// <summary>
    /// Quiet hours for every centre, local time (<c>Alerts:TimeZone</c>), e.g. <c>22:00-06:00</c>: e-mails of
    /// transitions in them are held and sent as one digest when they end. Empty: none.
    /// </summary>
    public string? QuietHours { get; set; }

    /// <summary>Per centre id: its own quiet hours (empty string: none for that centre).</summary>
    public Dictionary<string, CentreNotificationSettings> Centres { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Holds each e-mail this many minutes so that what else happens meanwhile goes out with it as one digest (0: at once).</summary>
    public double DigestMinutes { get; set; }

    /// <summary>Attempts before an e-mail is given up (dead letter).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Wait after the first failed attempt, doubling up to an hour.</summary>
    public double RetryAfterSeconds { get; set; } = 30;

    /// <summary>Address of the dashboard, for the link in each e-mail (optional).</summary>
    public string? DashboardUrl { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Smtp.Host);

    public IEnumerable<string> Validate()
    {
        var failures = new List<string>();
        var prefix = NotificationOptions.Section;
        if (Smtp.Port is < 1 or > 65535)
        {
            failures.Add($"{prefix}:Smtp:Port must be 1-65535 (got {Smtp.Port})");
        }

        if (IsConfigured && !Auth.MailAddressRule.IsValid(Smtp.From))
        {
            failures.Add($"{prefix}:Smtp:From must be an e-mail address (got '{Smtp.From}')");
        }

        foreach (var (where, value) in Centres.Select(c => ($"Centres:{c.Key}:QuietHours", c.Value.QuietHours)).Prepend(("QuietHours", QuietHours)))
        {
            if (!string.IsNullOrEmpty(value) && !Notifications.QuietHours.TryParse(value, out _))
            {
                failures.Add($"{prefix}:{where} must be HH:mm-HH:mm, e.g. 22:00-06:00 (got '{value}')");
            }
        }

        foreach (var (kind, who) in Rules)
        {
            foreach (var bad in RecipientRule.Parse(who).Where(r => !r.IsValid))
            {
                failures.Add($"{prefix}:Rules:{kind}: '{bad.Text}' is neither a role ({string.Join(", ", Auth.UserRoles.All)}) nor user:<name>");
            }
        }

        if (DigestMinutes is < 0 or > 1440 || double.IsNaN(DigestMinutes))
        {
            failures.Add($"{prefix}:DigestMinutes must be 0-1440 (got {DigestMinutes})");
        }

        if (MaxAttempts is < 1 or > 100)
        {
            failures.Add($"{prefix}:MaxAttempts must be 1-100 (got {MaxAttempts})");
        }

        if (RetryAfterSeconds is < 0.1 or > 3600 || double.IsNaN(RetryAfterSeconds))
        {
            failures.Add($"{prefix}:RetryAfterSeconds must be 0.1-3600 (got {RetryAfterSeconds})");
        }

        return failures;
    }
}

/// <summary>The SMTP server the fleet sends through (MailKit).</summary>
public sealed class SmtpSettings
{
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    /// <summary>Sender address, e.g. <c>edge@tinh.gov.vn</c>.</summary>
    public string From { get; set; } = "edge-fleet@localhost";

    /// <summary>TLS: on connect for port 465, STARTTLS otherwise. Off: plain SMTP (a relay on the same host).</summary>
    public bool UseTls { get; set; }

    public string? User { get; set; }

    public string? Password { get; set; }
}

public sealed class CentreNotificationSettings
{
    public string? QuietHours { get; set; }
}
