using Edge.Hosting;

namespace Edge.Fleet.Comparison;

/// <summary>Section <c>Comparison</c>: the satisfaction target drawn on the comparison and how breaches are counted.</summary>
public sealed class ComparisonOptions : ICheckedOptions
{
    public const string Section = "Comparison";

    /// <summary>Share of ratings in the top two levels a centre or province should reach (0..1); 0.9 is the provinces' usual target.</summary>
    public double SatisfactionTarget { get; set; } = 0.9;

    /// <summary>A province's own target by its code (fleet/Centres), e.g. <c>Comparison:ProvinceTargets:24=0.92</c>.</summary>
    public Dictionary<string, double> ProvinceTargets { get; set; } = [];

    /// <summary>Consecutive complete days below target (each with ratings) that raise the alert <c>satisfaction-below-target</c>; 0: never.</summary>
    public int BreachDays { get; set; } = 3;

    /// <summary>How often the days' indices behind that alert are counted again (minutes; ratings arriving late count then).</summary>
    public double BreachCheckEveryMinutes { get; set; } = 60;

    /// <summary>The target of <paramref name="province"/> (its own, or the fleet's).</summary>
    public double TargetOf(string? province) =>
        province is not null && ProvinceTargets.TryGetValue(province, out var own) ? own : SatisfactionTarget;

    public IEnumerable<string> Validate()
    {
        var failures = new List<string>();
        foreach (var (key, target) in ProvinceTargets.Prepend(new("(fleet)", SatisfactionTarget)))
        {
            if (target is < 0 or > 1 || double.IsNaN(target))
            {
                failures.Add($"{ComparisonOptions.Section} target of {key} must be 0-1 (got {target})");
            }
        }

        if (BreachCheckEveryMinutes is < 0 or > 1440 || double.IsNaN(BreachCheckEveryMinutes))
        {
            failures.Add($"{ComparisonOptions.Section}:BreachCheckEveryMinutes must be 0-1440 (got {BreachCheckEveryMinutes})");
        }

        if (BreachDays is < 0 or > 31)
        {
            failures.Add($"{ComparisonOptions.Section}:BreachDays must be 0-31 (got {BreachDays})");
        }

        foreach (var key in ProvinceTargets.Keys.Where(k => Centres.ProvinceList.Find(k) is null))
        {
            failures.Add($"{ComparisonOptions.Section}:ProvinceTargets:{key} is not a province code (fleet/Centres/provinces.json)");
        }

        return failures;
    }
}
