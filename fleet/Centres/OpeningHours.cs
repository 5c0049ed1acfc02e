using System.Globalization;

namespace Edge.Fleet.Centres;

/// <summary>
/// When a centre is open, in its local time: <c>always</c>, or groups separated by ';' of days and time ranges, e.g.
/// <c>Mon-Fri 07:30-11:30,13:30-17:00; Sat 07:30-11:30</c> (days: Mon..Sun, a range "Mon-Fri" or a list "Mon,Wed",
/// or "daily"). The alerts that only make sense while citizens are served (device offline, silent counter) use it.
/// </summary>
public sealed class OpeningHours
{
    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    private readonly List<(DayOfWeek Day, TimeSpan Start, TimeSpan End)> _ranges;
    private readonly bool _always;

    private OpeningHours(List<(DayOfWeek, TimeSpan, TimeSpan)> ranges, bool always)
    {
        _ranges = ranges;
        _always = always;
    }

    public static OpeningHours Always { get; } = new([], always: true);

    public static bool TryParse(string? text, out OpeningHours hours, out string error)
    {
        hours = Always;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is empty";
            return false;
        }

        if (text.Trim().Equals("always", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var ranges = new List<(DayOfWeek, TimeSpan, TimeSpan)>();
        foreach (var group in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = group.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !TryParseDays(parts[0], out var days))
            {
                error = $"'{group}' must be days then times, e.g. 'Mon-Fri 07:30-17:00'";
                return false;
            }

            foreach (var range in parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var times = range.Split('-');
                if (times.Length != 2
                    || !TimeSpan.TryParseExact(times[0], @"hh\:mm", CultureInfo.InvariantCulture, out var start)
                    || !TimeSpan.TryParseExact(times[1], @"hh\:mm", CultureInfo.InvariantCulture, out var end)
                    || end <= start)
                {
                    error = $"'{range}' must be a time range such as 07:30-11:30";
                    return false;
                }

                ranges.AddRange(days.Select(d => (d, start, end)));
            }
        }

        hours = new OpeningHours(ranges, always: false);
        return true;
    }

    public bool IsOpen(DateTime local) =>
        _always || _ranges.Any(r => r.Day == local.DayOfWeek && local.TimeOfDay >= r.Start && local.TimeOfDay < r.End);

    /// <summary>
    /// The moment from which the opening time up to <paramref name="local"/> adds up to <paramref name="duration"/>
    /// (skipping nights, lunch breaks and closed days); null when two weeks back do not hold that much.
    /// </summary>
    public DateTime? StartOfOpenTime(DateTime local, TimeSpan duration)
    {
        if (_always)
        {
            return local - duration;
        }

        var remaining = duration;
        for (var back = 0; back <= 14; back++)
        {
            var date = local.Date.AddDays(-back);
            foreach (var (_, start, end) in _ranges.Where(r => r.Day == date.DayOfWeek).OrderByDescending(r => r.Start))
            {
                var segmentStart = date + start;
                var segmentEnd = date + end < local ? date + end : local;
                if (segmentEnd <= segmentStart)
                {
                    continue;
                }

                var length = segmentEnd - segmentStart;
                if (length >= remaining)
                {
                    return segmentEnd - remaining;
                }

                remaining -= length;
            }
        }

        return null;
    }

    private static bool TryParseDays(string text, out List<DayOfWeek> days)
    {
        days = [];
        if (text.Equals("daily", StringComparison.OrdinalIgnoreCase))
        {
            days.AddRange(Enum.GetValues<DayOfWeek>());
            return true;
        }

        foreach (var item in text.Split(','))
        {
            var ends = item.Split('-');
            var first = Array.FindIndex(DayNames, n => n.Equals(ends[0], StringComparison.OrdinalIgnoreCase));
            var last = ends.Length == 2 ? Array.FindIndex(DayNames, n => n.Equals(ends[1], StringComparison.OrdinalIgnoreCase)) : first;
            if (first < 0 || last < 0 || ends.Length > 2)
            {
                return false;
            }

            for (var d = first; ; d = (d + 1) % 7)
            {
                days.Add((DayOfWeek)d);
                if (d == last)
                {
                    break;
                }
            }
        }

        return true;
    }
}
