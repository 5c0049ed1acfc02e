using Edge.Hosting;

namespace Edge.Fleet.Queue;

/// <summary>The fleet's side of the queue (section "Queue").</summary>
public sealed class QueueOptions : ICheckedOptions
{
    public const string Section = "Queue";

    /// <summary>
    /// IANA time zone of the centres: call-next serves the queue day of the fleet's clock in this zone (tickets left
    /// waiting from an earlier day are not called). Kiosks use the same key for their numbering.
    /// </summary>
    public string TimeZone { get; set; } = "Asia/Ho_Chi_Minh";

    /// <summary>Calls shown by the hall display endpoint.</summary>
    public int HallCalls { get; set; } = 10;

    /// <summary>Fairness: at most this many priority tickets of a field in a row while an ordinary one waits too long.</summary>
    public int PriorityRun { get; set; } = 3;

    /// <summary>Fairness: an ordinary ticket waiting longer than this (seconds) breaks a run of priority calls.</summary>
    public int OrdinaryWaitSeconds { get; set; } = 1200;

    /// <summary>A skipped ticket may be recalled within this many seconds of its skip.</summary>
    public int RecallWindowSeconds { get; set; } = 900;

    /// <summary>Longest date range of the statistics endpoint, in days.</summary>
    public int MaxStatsDays { get; set; } = 366;

    public QueueRules Rules() => new(PriorityRun, TimeSpan.FromSeconds(OrdinaryWaitSeconds), TimeSpan.FromSeconds(RecallWindowSeconds));

    public IEnumerable<string> Validate()
    {
        if (PriorityRun is < 1 or > 100)
        {
            yield return $"{Section}:PriorityRun must be 1-100 (got {PriorityRun})";
        }

        if (OrdinaryWaitSeconds is < 0 or > 86_400)
        {
            yield return $"{Section}:OrdinaryWaitSeconds must be 0-86400 (got {OrdinaryWaitSeconds})";
        }

        if (RecallWindowSeconds is < 0 or > 86_400)
        {
            yield return $"{Section}:RecallWindowSeconds must be 0-86400 (got {RecallWindowSeconds})";
        }

        if (MaxStatsDays is < 1 or > 3660)
        {
            yield return $"{Section}:MaxStatsDays must be 1-3660 (got {MaxStatsDays})";
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return $"{Section}:TimeZone '{TimeZone}' is not a known time zone";
        }

        if (HallCalls is < 1 or > 100)
        {
            yield return $"{Section}:HallCalls must be 1-100 (got {HallCalls})";
        }
    }
}
