using System.Globalization;
using Edge.Wire;

namespace Edge.Fleet.Stats;

/// <summary>One level of a rating answer: its number (1 worst), its name on the product's scale, and its count.</summary>
public sealed record RatingLevelView(int Level, string? Name, string? NameEn, long Count);

/// <summary>
/// Names the levels of the default four-button scale (../shared/PRODUCT.md: <i>Rất hài lòng</i> 4, <i>Hài lòng</i> 3,
/// <i>Bình thường</i> 2, <i>Không hài lòng</i> 1). Other scales are configuration, so a level outside these four has
/// no name (null), never a guessed one.
/// </summary>
public static class RatingLevels
{
    private static readonly Dictionary<int, (string Vi, string En)> Names = new()
    {
        [4] = ("Rất hài lòng", "very satisfied"),
        [3] = ("Hài lòng", "satisfied"),
        [2] = ("Bình thường", "neutral"),
        [1] = ("Không hài lòng", "dissatisfied"),
    };

    /// <summary>The levels 1-4 always, and any other level that has ratings, best first.</summary>
    public static List<RatingLevelView> Of(IReadOnlyDictionary<int, long> byLevel) =>
        Enumerable.Range(1, RatingScale.Default).Union(byLevel.Keys).OrderDescending()
            .Select(l => new RatingLevelView(l, Names.GetValueOrDefault(l).Vi, Names.GetValueOrDefault(l).En, byLevel.GetValueOrDefault(l)))
            .ToList();

    /// <summary>The historical <c>byLevel</c> map ("1".."4" to counts), kept beside <see cref="Of"/> for existing clients.</summary>
    public static Dictionary<string, long> ByNumber(IReadOnlyDictionary<int, long> byLevel) =>
        Enumerable.Range(1, RatingScale.Default).Union(byLevel.Keys).Order()
            .ToDictionary(l => l.ToString(CultureInfo.InvariantCulture), l => byLevel.GetValueOrDefault(l));
}
