using Edge.Fleet.Alerts;
using Edge.Fleet.Auth;
using Microsoft.Extensions.Options;
using Edge.Fleet.Centres;

namespace Edge.Fleet.Notifications;

/// <summary>
/// Who gets an e-mail of an alert's transition and when: the people the kind's rule names (<see cref="NotificationOptions.Rules"/>)
/// who have an e-mail address and may see the alert's centre; due at once, or at the end of the centre's quiet hours,
/// plus the digest window. The store queues them in the transition's commit.
/// </summary>
public sealed class AlertMailPlanner(UserDirectory users, IOptions<NotificationOptions> options, IOptions<AlertOptions> alertOptions, IProvinceScope provinces)
    : IAlertMailPlanner
{
    private readonly TimeZoneInfo _zone = CentreClock.TryFindZone(alertOptions.Value.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    public async Task<IReadOnlyList<MailTo>> PlanAsync(Alert alert, string @event, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.IsConfigured || !settings.Rules.TryGetValue(alert.Kind, out var rule) || RecipientRule.Parse(rule) is not { Count: > 0 } entries)
        {
            return [];
        }

        var due = DueAt(alert.Centre, now);
        return (await users.ListAsync(cancellationToken))
            .Where(u => !string.IsNullOrEmpty(u.Email) && entries.Any(e => e.Matches(u, alert.Centre, provinces)))
            .Select(u => new MailTo(u.Name, u.Email!, due))
            .ToList();
    }

    /// <summary>Now, or when the centre's quiet hours end; then the digest window.</summary>
    public DateTimeOffset DueAt(string? centre, DateTimeOffset now)
    {
        var settings = options.Value;
        var quietText = centre is not null && settings.Centres.TryGetValue(centre, out var own) && own.QuietHours is not null
            ? own.QuietHours
            : settings.QuietHours;
        var due = !string.IsNullOrEmpty(quietText) && QuietHours.TryParse(quietText, out var quiet) && quiet.EndAround(now, _zone) is { } end
            ? end
            : now;
        return due + TimeSpan.FromMinutes(settings.DigestMinutes);
    }
}
