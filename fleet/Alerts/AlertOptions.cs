using Edge.Hosting;
using Edge.Fleet.Centres;

namespace Edge.Fleet.Alerts;

/// <summary>Alerting (section <c>Alerts</c>).</summary>
public sealed class AlertOptions : ICheckedOptions
{
    public const string Section = "Alerts";

    /// <summary>How often the rules are evaluated, in seconds (0.2-3600).</summary>
    public double EvaluateEverySeconds { get; set; } = 30;

    /// <summary>When set, every alert opened or resolved is POSTed there as JSON (best effort, 10 s timeout).</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>IANA time zone the opening hours are in.</summary>
    public string TimeZone { get; set; } = "Asia/Ho_Chi_Minh";

    /// <summary>Rules for every centre; a value left out keeps the built-in default (<see cref="AlertRules.BuiltIn"/>).</summary>
    public AlertRuleSettings Defaults { get; set; } = new();

    /// <summary>Per centre id: what differs from <see cref="Defaults"/> (the API can change these at run time too).</summary>
    public Dictionary<string, AlertRuleSettings> Centres { get; set; } = new(StringComparer.Ordinal);

    public IEnumerable<string> Validate()
    {
        var failures = new List<string>();
        if (EvaluateEverySeconds is < 0.2 or > 3600 || double.IsNaN(EvaluateEverySeconds))
        {
            failures.Add($"{AlertOptions.Section}:{nameof(AlertOptions.EvaluateEverySeconds)} must be 0.2-3600 (got {EvaluateEverySeconds})");
        }

        if (!string.IsNullOrEmpty(WebhookUrl)
            && !(Uri.TryCreate(WebhookUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            failures.Add($"{AlertOptions.Section}:{nameof(AlertOptions.WebhookUrl)} must be an http(s) URL (got '{WebhookUrl}')");
        }

        if (!CentreClock.TryFindZone(TimeZone, out _))
        {
            failures.Add($"{AlertOptions.Section}:{nameof(AlertOptions.TimeZone)} is not a known time zone (got '{TimeZone}')");
        }

        var defaults = AlertRules.BuiltIn.With(Defaults);
        failures.AddRange(defaults.Problems($"{AlertOptions.Section}:Defaults"));
        foreach (var (centre, settings) in Centres)
        {
            failures.AddRange(defaults.With(settings).Problems($"{AlertOptions.Section}:Centres:{centre}"));
        }

        return failures;
    }
}

/// <summary>
/// Thresholds of the alert rules; null keeps the value from the level above (centre → defaults → built-in).
/// A threshold of 0 turns its rule off.
/// </summary>
public sealed class AlertRuleSettings
{
    /// <summary>See <see cref="OpeningHours"/>; e.g. <c>Mon-Fri 07:30-11:30,13:30-17:00; Sat 07:30-11:30</c> or <c>always</c>.</summary>
    public string? OpeningHours { get; set; }

    public double? OfflineMinutes { get; set; }

    public bool? Printer { get; set; }

    public double? OutboxOldestMinutes { get; set; }

    public long? OutboxDepth { get; set; }

    public double? ClockUnsyncedMinutes { get; set; }

    public long? DiskFreeMb { get; set; }

    public double? NoRatingHours { get; set; }

    public double? GapMinutes { get; set; }
}

/// <summary>The thresholds in force for one centre.</summary>
public sealed record AlertRules(
    string OpeningHours,
    double OfflineMinutes,
    bool Printer,
    double OutboxOldestMinutes,
    long OutboxDepth,
    double ClockUnsyncedMinutes,
    long DiskFreeMb,
    double NoRatingHours,
    double GapMinutes)
{
    /// <summary>
    /// Office hours of a one-stop shop (Monday to Friday with a lunch break, Saturday morning); a device offline for
    /// 10 minutes of them; a printer out of paper or open at once; a backlog of 30 minutes or 5,000 events; a clock
    /// still unsynced 15 minutes after boot; less than 500 MB free; a counter without a rating for 2 opening hours;
    /// a sequence gap that has not filled in 30 minutes.
    /// </summary>
    public static AlertRules BuiltIn { get; } = new(
        "Mon-Fri 07:30-11:30,13:30-17:00; Sat 07:30-11:30", 10, true, 30, 5000, 15, 500, 2, 30);

    public AlertRules With(AlertRuleSettings? s) => s is null ? this : new AlertRules(
        s.OpeningHours ?? OpeningHours,
        s.OfflineMinutes ?? OfflineMinutes,
        s.Printer ?? Printer,
        s.OutboxOldestMinutes ?? OutboxOldestMinutes,
        s.OutboxDepth ?? OutboxDepth,
        s.ClockUnsyncedMinutes ?? ClockUnsyncedMinutes,
        s.DiskFreeMb ?? DiskFreeMb,
        s.NoRatingHours ?? NoRatingHours,
        s.GapMinutes ?? GapMinutes);

    /// <summary>What is wrong with these rules, each naming the key under <paramref name="prefix"/>.</summary>
    public IEnumerable<string> Problems(string prefix)
    {
        if (!Fleet.Centres.OpeningHours.TryParse(OpeningHours, out _, out var error))
        {
            yield return $"{prefix}:OpeningHours {error} (got '{OpeningHours}')";
        }

        foreach (var (name, value) in new[]
        {
            (nameof(OfflineMinutes), OfflineMinutes), (nameof(OutboxOldestMinutes), OutboxOldestMinutes),
            (nameof(OutboxDepth), OutboxDepth), (nameof(ClockUnsyncedMinutes), ClockUnsyncedMinutes),
            (nameof(DiskFreeMb), DiskFreeMb), (nameof(NoRatingHours), NoRatingHours), (nameof(GapMinutes), GapMinutes),
        })
        {
            if (value < 0 || double.IsNaN(value))
            {
                yield return $"{prefix}:{name} must be 0 (off) or more (got {value})";
            }
        }
    }
}
