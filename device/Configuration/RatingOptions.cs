using Edge.Hosting;
using Edge.Wire;

namespace Edge.Device.Configuration;

/// <summary>The rating buttons (section "Rating").</summary>
public sealed class RatingOptions : ICheckedOptions
{
    public const string Section = "Rating";

    /// <summary>
    /// GPIO (BCM) input pin per level, best first: the first pin is the highest level.
    /// Default: four buttons on 5, 6, 13, 19 (Rất hài lòng, Hài lòng, Bình thường, Không hài lòng).
    /// </summary>
    public int[] Pins { get; set; } = [];

    /// <summary>Pins used when none are configured (array defaults in the class would be appended to, not replaced, by binding).</summary>
    public static readonly int[] DefaultPins = [5, 6, 13, 19];

    /// <summary>LED output pin per button, same order as <see cref="Pins"/>; empty for none.</summary>
    public int[] LedPins { get; set; } = [];

    /// <summary>Label per button, same order as <see cref="Pins"/> (e.g. "Rất hài lòng"); empty for the scale's defaults.</summary>
    public string[] Labels { get; set; } = [];

    /// <summary>A level counts once the contact has been stable this long.</summary>
    public int DebounceMs { get; set; } = 30;

    /// <summary>A press within this time after the previous rating is stored flagged as suspect, not counted.</summary>
    public int LockoutMs { get; set; } = 1500;

    /// <summary>A button held longer than this is reported as stuck (a fault), not as presses.</summary>
    public int StuckAfterMs { get; set; } = 10_000;

    public int Scale => Pins.Length;

    /// <summary>Post-configuration: the default pins when none are configured (also used when checking a remote configuration).</summary>
    public static void UseDefaultPinsWhenEmpty(RatingOptions options) =>
        options.Pins = options.Pins.Length == 0 ? DefaultPins : options.Pins;

    public IEnumerable<string> Validate()
    {
        if (!RatingScale.IsValid(Pins.Length))
        {
            yield return $"{Section}:Pins must list 2-10 pins (got {Pins.Length})";
        }

        var all = Pins.Concat(LedPins).ToArray();
        foreach (var pin in all.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            yield return $"{Section}:Pins/{Section}:LedPins use pin {pin} more than once";
        }

        if (all.Any(p => p is < 0 or > 63))
        {
            yield return $"{Section}:Pins/{Section}:LedPins must be GPIO numbers 0-63";
        }

        if (LedPins.Length != 0 && LedPins.Length != Pins.Length)
        {
            yield return $"{Section}:LedPins must be empty or list one pin per button ({Pins.Length})";
        }

        if (Labels.Length != 0 && (Labels.Length != Pins.Length || Labels.Any(l => string.IsNullOrWhiteSpace(l) || l.Length > 32)))
        {
            yield return $"{Section}:Labels must be empty or list one label of 1-32 characters per button ({Pins.Length})";
        }

        if (DebounceMs is < 1 or > 1000)
        {
            yield return $"{Section}:DebounceMs must be 1-1000 (got {DebounceMs})";
        }

        if (LockoutMs is < 0 or > 600_000)
        {
            yield return $"{Section}:LockoutMs must be 0-600000 (got {LockoutMs})";
        }

        if (StuckAfterMs < 1000)
        {
            yield return $"{Section}:StuckAfterMs must be at least 1000 (got {StuckAfterMs})";
        }
    }

    /// <summary>Level of the button at <paramref name="index"/> (0 = first pin = best).</summary>
    public int LevelOf(int index) => Pins.Length - index;
}
