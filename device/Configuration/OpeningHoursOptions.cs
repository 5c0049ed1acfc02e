using System.Globalization;
using Edge.Hosting;

namespace Edge.Device.Configuration;

/// <summary>
/// The centre's opening hours (section "OpeningHours"), in <c>Queue:TimeZone</c>: when citizens are served, so when the
/// device must not be disturbed (restarts, updates). Usually set from the fleet per centre.
/// </summary>
public sealed class OpeningHoursOptions : ICheckedOptions
{
    public const string Section = "OpeningHours";

    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    /// <summary>Comma-separated days open, e.g. "Mon,Tue,Wed,Thu,Fri,Sat".</summary>
    public string Days { get; set; } = "Mon,Tue,Wed,Thu,Fri";

    /// <summary>Local opening time, HH:mm.</summary>
    public string Open { get; set; } = "07:30";

    /// <summary>Local closing time, HH:mm, after <see cref="Open"/>.</summary>
    public string Close { get; set; } = "17:00";

    /// <summary>True when <paramref name="local"/> (the centre's local time) falls inside the opening hours.</summary>
    public bool IsOpenAt(DateTime local)
    {
        var days = ParseDays(Days);
        return days is not null
            && days.Contains(local.DayOfWeek)
            && TimeOnly.TryParseExact(Open, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var open)
            && TimeOnly.TryParseExact(Close, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var close)
            && TimeOnly.FromDateTime(local) >= open && TimeOnly.FromDateTime(local) < close;
    }

    public IEnumerable<string> Validate()
    {
        if (ParseDays(Days) is null)
        {
            yield return $"{Section}:Days must be comma-separated day names ({string.Join(",", DayNames)}) (got '{Days}')";
        }

        var openOk = TimeOnly.TryParseExact(Open, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var open);
        var closeOk = TimeOnly.TryParseExact(Close, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var close);
        if (!openOk)
        {
            yield return $"{Section}:Open must be HH:mm (got '{Open}')";
        }

        if (!closeOk)
        {
            yield return $"{Section}:Close must be HH:mm (got '{Close}')";
        }

        if (openOk && closeOk && close <= open)
        {
            yield return $"{Section}:Close must be after {Section}:Open (got {Open}-{Close})";
        }
    }

    private static HashSet<DayOfWeek>? ParseDays(string days)
    {
        var set = new HashSet<DayOfWeek>();
        foreach (var name in days.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var index = Array.FindIndex(DayNames, d => d.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return null;
            }

            set.Add((DayOfWeek)index);
        }

        return set;
    }
}
