namespace Edge.EndToEnd.Tests.Updates;

/// <summary>Puts every centre in its maintenance window for the length of a test (fleet/Releases/MaintenanceWindow.cs).</summary>
public static class MaintenanceWindowNow
{
    /// <summary>
    /// For <c>--Alerts:Defaults:OpeningHours</c>: one minute on a day three days away (in the centres' time zone), so the
    /// centre is closed, and so in its maintenance window, now.
    /// </summary>
    public static string OpeningHours()
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById("Asia/Ho_Chi_Minh", out var z) ? z : TimeZoneInfo.CreateCustomTimeZone("vn", TimeSpan.FromHours(7), "vn", "vn");
        var other = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).AddDays(3).DayOfWeek;
        return $"{other.ToString()[..3]} 00:00-00:01";
    }
}
