using Edge.Hosting;

namespace Edge.Device.Health;

/// <summary>The heartbeat (section "Health").</summary>
public sealed class HealthOptions : ICheckedOptions
{
    public const string Section = "Health";

    public int IntervalSeconds { get; set; } = 30;

    public IEnumerable<string> Validate()
    {
        if (IntervalSeconds is < 1 or > 3600)
        {
            yield return $"{Section}:IntervalSeconds must be 1-3600 (got {IntervalSeconds})";
        }
    }
}
