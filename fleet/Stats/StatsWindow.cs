using System.Globalization;

namespace Edge.Fleet.Stats;

/// <summary>
/// The one meaning of <c>from</c> and <c>to</c> on every statistics endpoint (<c>/api/v1/stats/...</c>, see
/// fleet/Stats/README.md): each is a date (<c>yyyy-MM-dd</c>, a whole day of the centres' time zone) or an ISO 8601
/// instant (UTC when it has no offset). The window starts at <c>from</c> (a date: its first moment) and ends at
/// <c>to</c> (a date: the end of that day, so the day is in; an instant: just before it, so it is out).
/// <c>from=2025-03-01&amp;to=2025-03-01</c> is that whole day on every endpoint.
/// </summary>
public static class StatsWindow
{
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>Parses one bound; false (and a sentence naming it) when it is neither a date nor an instant.</summary>
    public static bool TryParse(string? text, string name, bool isEnd, TimeZoneInfo zone, out DateTimeOffset? bound, out string? error)
    {
        bound = null;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            bound = StartOf(isEnd ? date.AddDays(1) : date, zone);
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            bound = instant;
            return true;
        }

        error = $"{name} must be a date (yyyy-MM-dd, centre time) or an ISO 8601 time (got '{text}')";
        return false;
    }

    /// <summary>Midnight at the start of <paramref name="date"/> in <paramref name="zone"/>.</summary>
    public static DateTimeOffset StartOf(DateOnly date, TimeZoneInfo zone)
    {
        var midnight = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }

    /// <summary>
    /// A day-based endpoint (the queue's lists are kept per day) takes dates only: the last day of the window is
    /// <c>to</c> itself. False with a sentence when a bound is an instant.
    /// </summary>
    public static bool TryParseDay(string? text, string name, out string? error)
    {
        error = null;
        if (text is null || DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return true;
        }

        error = $"{name} must be a date (yyyy-MM-dd, centre time; these statistics are kept per day) (got '{text}')";
        return false;
    }
}
