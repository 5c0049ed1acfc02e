using Edge.Fleet.Centres;

namespace Edge.Fleet.Tests.Centres;

public sealed class OpeningHoursTests
{
    private const string OfficeHours = "Mon-Fri 07:30-11:30,13:30-17:00; Sat 07:30-11:30";

    // 2026-11-23 is a Monday.
    private static readonly DateTime Monday = new(2026, 11, 23);

    [Theory]
    [InlineData(8, 0, true)]
    [InlineData(12, 0, false)]
    [InlineData(16, 59, true)]
    [InlineData(17, 0, false)]
    public void Weekday_hours_have_a_lunch_break(int hour, int minute, bool open)
    {
        Assert.True(OpeningHours.TryParse(OfficeHours, out var hours, out _));

        Assert.Equal(open, hours.IsOpen(Monday.AddHours(hour).AddMinutes(minute)));
    }

    [Fact]
    public void Sunday_is_closed_and_Saturday_morning_open()
    {
        OpeningHours.TryParse(OfficeHours, out var hours, out _);

        Assert.False(hours.IsOpen(Monday.AddDays(6).AddHours(9)));
        Assert.True(hours.IsOpen(Monday.AddDays(5).AddHours(9)));
    }

    [Fact]
    public void Opening_time_counted_back_skips_lunch()
    {
        OpeningHours.TryParse(OfficeHours, out var hours, out _);

        // Two opening hours before 14:30 are 13:30-14:30 and 10:30-11:30.
        Assert.Equal(Monday.AddHours(10).AddMinutes(30), hours.StartOfOpenTime(Monday.AddHours(14).AddMinutes(30), TimeSpan.FromHours(2)));
    }

    [Fact]
    public void Opening_time_counted_back_skips_the_weekend()
    {
        OpeningHours.TryParse(OfficeHours, out var hours, out _);

        // Monday 08:30 minus two opening hours: one on Monday, then Saturday 10:30-11:30.
        Assert.Equal(Monday.AddDays(-2).AddHours(10).AddMinutes(30), hours.StartOfOpenTime(Monday.AddHours(8).AddMinutes(30), TimeSpan.FromHours(2)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Mon-Fri")]
    [InlineData("Funday 07:00-08:00")]
    [InlineData("Mon 17:00-07:00")]
    public void Unreadable_hours_are_refused_with_a_reason(string text)
    {
        Assert.False(OpeningHours.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Always_is_always_open()
    {
        Assert.True(OpeningHours.TryParse("always", out var hours, out _));
        Assert.True(hours.IsOpen(Monday.AddDays(6).AddHours(3)));
    }
}
