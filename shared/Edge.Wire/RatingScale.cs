namespace Edge.Wire;

/// <summary>
/// A rating scale of N levels, 1 (worst) to N (best). The satisfaction index counts the top two levels
/// ("hài lòng", "rất hài lòng") on scales of four or more levels, and the top level on smaller scales.
/// </summary>
public static class RatingScale
{
    public const int Default = 4;

    public static bool IsValid(int levels) => levels is >= 2 and <= 10;

    public static bool IsSatisfied(int level, int levels) =>
        levels >= 4 ? level >= levels - 1 : level == levels;
}
