using System.Globalization;

namespace Edge.Fleet.Notifications;

/// <summary>
/// A daily span of local time without e-mails, <c>HH:mm-HH:mm</c>; it may cross midnight (<c>22:00-06:00</c>).
/// </summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    public static bool TryParse(string text, out QuietHours quiet)
    {
        quiet = new QuietHours(default, default);
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            || start == end)
        {
            return false;
        }

        quiet = new QuietHours(start, end);
        return true;
    }

    /// <summary>When the quiet hours around <paramref name="now"/> end, or null when <paramref name="now"/> is not in them.</summary>
    public DateTimeOffset? EndAround(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        var inside = Start < End ? time >= Start && time < End : time >= Start || time < End;
        if (!inside)
        {
            return null;
        }

        var endDay = Start < End || time < End ? local.Date : local.Date.AddDays(1);
        var endLocal = endDay + End.ToTimeSpan();
        return new DateTimeOffset(endLocal, zone.GetUtcOffset(endLocal));
    }
}
