namespace Edge.Fleet.Queue;

/// <summary>The fleet's side of the queue (section "Queue").</summary>
public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>
    /// IANA time zone of the centres: call-next serves the queue day of the fleet's clock in this zone (tickets left
    /// waiting from an earlier day are not called). Kiosks use the same key for their numbering.
    /// </summary>
    public string TimeZone { get; set; } = "Asia/Ho_Chi_Minh";

    /// <summary>Calls shown by the hall display endpoint.</summary>
    public int HallCalls { get; set; } = 10;

    public string? Problem()
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return $"{Section}:TimeZone '{TimeZone}' is not a known time zone";
        }

        return HallCalls is < 1 or > 100 ? $"{Section}:HallCalls must be 1-100 (got {HallCalls})" : null;
    }
}
