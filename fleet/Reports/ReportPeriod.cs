using System.Globalization;
using Edge.Fleet.Stats;

namespace Edge.Fleet.Reports;

/// <summary>
/// The days a report covers: a <c>week</c> (Monday to Sunday) or a <c>month</c> (the calendar month), the one that
/// holds <see cref="FirstDay"/>'s date; without a date, the last whole period before today (centre time).
/// </summary>
public sealed record ReportPeriod(string Kind, DateOnly FirstDay, DateOnly LastDay)
{
    public const string Week = "week";
    public const string Month = "month";

    public string FromDay => FirstDay.ToString(StatsWindow.DateFormat, CultureInfo.InvariantCulture);

    public string ToDay => LastDay.ToString(StatsWindow.DateFormat, CultureInfo.InvariantCulture);

    /// <summary>The first instant of the period in <paramref name="zone"/> (StatsWindow's <c>from=FromDay</c>).</summary>
    public DateTimeOffset Start(TimeZoneInfo zone) => StatsWindow.StartOf(FirstDay, zone);

    /// <summary>Just after the period (StatsWindow's <c>to=ToDay</c>: that day included).</summary>
    public DateTimeOffset End(TimeZoneInfo zone) => StatsWindow.StartOf(LastDay.AddDays(1), zone);

    /// <summary>The period of kind <paramref name="kind"/> that holds <paramref name="day"/>.</summary>
    public static ReportPeriod Holding(string kind, DateOnly day)
    {
        if (kind == Month)
        {
            var first = new DateOnly(day.Year, day.Month, 1);
            return new ReportPeriod(Month, first, first.AddMonths(1).AddDays(-1));
        }

        var monday = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
        return new ReportPeriod(Week, monday, monday.AddDays(6));
    }

    /// <summary>The last whole period of kind <paramref name="kind"/> before <paramref name="today"/>.</summary>
    public static ReportPeriod LastBefore(string kind, DateOnly today) =>
        Holding(kind, Holding(kind, today).FirstDay.AddDays(-1));

    /// <summary>Reads <c>period</c> and <c>from</c>; false with a sentence naming the parameter.</summary>
    public static bool TryParse(string? period, string? from, DateOnly today, out ReportPeriod result, out string? error)
    {
        result = LastBefore(Week, today);
        error = null;
        var kind = string.IsNullOrEmpty(period) ? Week : period;
        if (kind is not (Week or Month))
        {
            error = $"period must be week or month (got '{period}')";
            return false;
        }

        if (string.IsNullOrEmpty(from))
        {
            result = LastBefore(kind, today);
            return true;
        }

        if (!DateOnly.TryParseExact(from, StatsWindow.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            error = $"from must be a date (yyyy-MM-dd, centre time): the {kind} that holds it (got '{from}')";
            return false;
        }

        result = Holding(kind, day);
        return true;
    }
}
