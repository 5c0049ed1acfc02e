using Edge.Hosting;

namespace Edge.Fleet.Hall;

/// <summary>The hall boards (section "Hall"): how often the fleet looks for a changed board, how many calls it carries.</summary>
public sealed class HallOptions : ICheckedOptions
{
    public const string Section = "Hall";

    /// <summary>How often each centre's board is rebuilt and, when it changed, published (ms).</summary>
    public int IntervalMs { get; set; } = 500;

    /// <summary>Latest calls on a board.</summary>
    public int Calls { get; set; } = 10;

    public IEnumerable<string> Validate()
    {
        if (IntervalMs is < 100 or > 60_000)
        {
            yield return $"{Section}:IntervalMs must be 100-60000 (got {IntervalMs})";
        }

        if (Calls is < 1 or > 50)
        {
            yield return $"{Section}:Calls must be 1-50 (got {Calls})";
        }
    }
}
