using Edge.Hosting;

namespace Edge.Fleet.Health;

/// <summary>How the fleet judges heartbeats (section <c>Health</c>).</summary>
public sealed class HealthOptions : ICheckedOptions
{
    public const string Section = "Health";

    /// <summary>Heartbeat interval the devices are configured with (their <c>Health:IntervalSeconds</c>), 1-3600.</summary>
    public int HeartbeatIntervalSeconds { get; set; } = 30;

    /// <summary>Heartbeats in a row that may go missing before a device counts as offline (1-100).</summary>
    public int MissedHeartbeats { get; set; } = 3;

    /// <summary>How long heartbeats are kept for the device page's history, in hours (1-8760).</summary>
    public int HistoryHours { get; set; } = 48;

    /// <summary>Silence after which a device counts as offline.</summary>
    public TimeSpan SilenceLimit => TimeSpan.FromSeconds((double)HeartbeatIntervalSeconds * MissedHeartbeats);

    public IEnumerable<string> Validate()
    {
        var failures = new List<string>();
        if (HeartbeatIntervalSeconds is < 1 or > 3600)
        {
            failures.Add($"{HealthOptions.Section}:{nameof(HealthOptions.HeartbeatIntervalSeconds)} must be 1-3600 (got {HeartbeatIntervalSeconds})");
        }

        if (MissedHeartbeats is < 1 or > 100)
        {
            failures.Add($"{HealthOptions.Section}:{nameof(HealthOptions.MissedHeartbeats)} must be 1-100 (got {MissedHeartbeats})");
        }

        if (HistoryHours is < 1 or > 8760)
        {
            failures.Add($"{HealthOptions.Section}:{nameof(HealthOptions.HistoryHours)} must be 1-8760 (got {HistoryHours})");
        }

        return failures;
    }
}
