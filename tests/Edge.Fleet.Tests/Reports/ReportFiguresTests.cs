using Edge.Fleet.Alerts;
using Edge.Fleet.Queue;
using Edge.Fleet.Reports;
using OpeningHours = Edge.Fleet.Centres.OpeningHours;

namespace Edge.Fleet.Tests.Reports;

/// <summary>The report's own arithmetic: its days, availability minutes and waiting-time percentile, on known inputs.</summary>
public sealed class ReportFiguresTests
{
    private static readonly DateTimeOffset Eight = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("week", "2026-11-25", "2026-11-23", "2026-11-29")]
    [InlineData("week", "2026-11-23", "2026-11-23", "2026-11-29")]
    [InlineData("week", "2026-11-29", "2026-11-23", "2026-11-29")]
    [InlineData("month", "2026-11-25", "2026-11-01", "2026-11-30")]
    [InlineData("month", "2028-02-10", "2028-02-01", "2028-02-29")]
    public void A_period_is_the_week_from_Monday_or_the_calendar_month_that_holds_from(string kind, string from, string first, string last)
    {
        Assert.True(ReportPeriod.TryParse(kind, from, new DateOnly(2026, 11, 30), out var period, out var error), error);
        Assert.Equal((first, last), (period.FromDay, period.ToDay));
    }

    [Fact]
    public void Without_from_the_period_is_the_last_whole_one_and_a_bad_period_or_date_is_named()
    {
        var today = new DateOnly(2026, 12, 2);
        Assert.True(ReportPeriod.TryParse(null, null, today, out var week, out _));
        Assert.True(ReportPeriod.TryParse("month", null, today, out var month, out _));
        Assert.Equal(("2026-11-23", "2026-11-29"), (week.FromDay, week.ToDay));
        Assert.Equal(("2026-11-01", "2026-11-30"), (month.FromDay, month.ToDay));
        Assert.False(ReportPeriod.TryParse("year", null, today, out _, out var periodError));
        Assert.Contains("period", periodError);
        Assert.False(ReportPeriod.TryParse("week", "23/11/2026", today, out _, out var fromError));
        Assert.Contains("from", fromError);
    }

    [Fact]
    public void A_minute_of_opening_time_is_online_when_a_heartbeat_came_within_the_silence_limit()
    {
        var rules = Rules("Mon 08:00-09:00");
        // Heartbeats every 30 s from 08:00 to 08:29:30; silence limit 90 s: 08:00..08:30 online (31 minutes),
        // 08:31 on offline (the last heartbeat is more than 90 s before it started).
        var beats = Enumerable.Range(0, 60).Select(i => Eight.AddSeconds(30 * i)).ToList();

        var whole = DeviceAvailabilityCalculator.Count(rules, Eight.AddHours(-8), Eight.AddHours(16), Eight.AddDays(1), Eight.AddDays(-1), TimeSpan.FromSeconds(90), beats);
        var sofar = DeviceAvailabilityCalculator.Count(rules, Eight.AddHours(-8), Eight.AddHours(16), Eight.AddMinutes(45), Eight.AddDays(-1), TimeSpan.FromSeconds(90), beats);
        var trimmed = DeviceAvailabilityCalculator.Count(rules, Eight.AddHours(-8), Eight.AddHours(16), Eight.AddDays(1), Eight.AddMinutes(10), TimeSpan.FromSeconds(90), beats);
        var silent = DeviceAvailabilityCalculator.Count(rules, Eight.AddHours(-8), Eight.AddHours(16), Eight.AddDays(1), Eight.AddDays(-1), TimeSpan.FromSeconds(90), []);

        Assert.Equal((60, 31, 0), whole);
        Assert.Equal((45, 31, 0), sofar);
        Assert.Equal((60, 21, 10), trimmed);
        Assert.Equal((60, 0, 0), silent);
    }

    [Fact]
    public void Opening_hours_are_read_in_the_centre_time_zone()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
        Assert.True(OpeningHours.TryParse("Mon 15:00-15:30", out var hours, out _));
        var rules = new CentreRules(AlertRules.BuiltIn, hours, zone);

        // 08:00 UTC is 15:00 in Hồ Chí Minh City: the half hour from then is open.
        var (open, online, _) = DeviceAvailabilityCalculator.Count(rules, Eight.AddHours(-8), Eight.AddHours(16), Eight.AddDays(1), Eight.AddDays(-1),
            TimeSpan.FromSeconds(90), [Eight.AddMinutes(10)]);

        Assert.Equal((30, 2), (open, online));
    }

    [Fact]
    public void Waiting_time_average_and_95th_percentile_by_nearest_rank_over_called_tickets()
    {
        var tickets = Enumerable.Range(1, 20).Select(i => Ticket($"A{i:000}", Eight, Eight.AddMinutes(i))).Append(Ticket("A021", Eight, null)).ToList();

        var figures = CentreReportBuilder.Figures("Tư pháp", tickets);

        Assert.Equal(("Tư pháp", 21, 20), (figures.Key, figures.Issued, figures.Called));
        Assert.Equal(630, figures.WaitAvgS);
        Assert.Equal(1140, figures.WaitP95S);
        Assert.Equal((double?)null, CentreReportBuilder.Figures("none", [Ticket("B001", Eight, null)]).WaitP95S);
    }

    private static CentreRules Rules(string openingHours)
    {
        Assert.True(OpeningHours.TryParse(openingHours, out var hours, out var error), error);
        return new CentreRules(AlertRules.BuiltIn with { OpeningHours = openingHours }, hours, TimeZoneInfo.Utc);
    }

    private static QueueTicket Ticket(string number, DateTimeOffset issued, DateTimeOffset? called) => new()
    {
        Number = number,
        Field = "Tư pháp",
        IssuedAt = issued.UtcDateTime,
        CalledAt = called?.UtcDateTime,
        State = called is null ? TicketStates.Waiting : TicketStates.Called,
    };
}
