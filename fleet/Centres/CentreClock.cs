namespace Edge.Fleet.Centres;

/// <summary>The centres' local time, for opening hours.</summary>
public static class CentreClock
{
    /// <summary>
    /// Finds an IANA zone; "Asia/Ho_Chi_Minh" falls back to a fixed UTC+7 (Vietnam has no daylight saving time) on a
    /// machine without the time zone database.
    /// </summary>
    public static bool TryFindZone(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zone = TimeZoneInfo.CreateCustomTimeZone(id, TimeSpan.FromHours(7), id, id);
            return id == "Asia/Ho_Chi_Minh";
        }
    }
}
