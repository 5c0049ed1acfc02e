using Edge.Fleet.Notifications;

namespace Edge.Fleet.Tests.Notifications;

public sealed class QuietHoursTests
{
    private static readonly TimeZoneInfo Vietnam = TimeZoneInfo.CreateCustomTimeZone("UTC+7", TimeSpan.FromHours(7), "UTC+7", "UTC+7");

    [Theory]
    [InlineData("22:00-06:00", "2026-11-23T23:30:00+07:00", "2026-11-24T06:00:00+07:00")]
    [InlineData("22:00-06:00", "2026-11-24T05:59:00+07:00", "2026-11-24T06:00:00+07:00")]
    [InlineData("22:00-06:00", "2026-11-24T06:00:00+07:00", null)]
    [InlineData("22:00-06:00", "2026-11-24T12:00:00+07:00", null)]
    [InlineData("11:30-13:30", "2026-11-24T12:00:00+07:00", "2026-11-24T13:30:00+07:00")]
    [InlineData("11:30-13:30", "2026-11-24T11:29:00+07:00", null)]
    public void Quiet_hours_end_at_their_next_end_in_local_time(string text, string now, string? end)
    {
        Assert.True(QuietHours.TryParse(text, out var quiet));

        var ends = quiet.EndAround(DateTimeOffset.Parse(now), Vietnam);

        Assert.Equal(end is null ? null : DateTimeOffset.Parse(end), ends);
    }

    [Theory]
    [InlineData("")]
    [InlineData("22:00")]
    [InlineData("22:00-22:00")]
    [InlineData("25:00-06:00")]
    [InlineData("10pm-6am")]
    public void Anything_but_two_different_HH_mm_times_is_refused(string text) =>
        Assert.False(QuietHours.TryParse(text, out _));
}
