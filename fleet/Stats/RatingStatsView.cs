namespace Edge.Fleet.Stats;

/// <summary>
/// Answer of <c>GET /api/v1/stats/ratings</c>: <see cref="ByLevel"/> maps each level ("1" worst) to its count,
/// levels 1-4 always present; <see cref="Index"/> is the share of satisfied ratings (top two levels of a scale of
/// four or more), null when there are none. <see cref="Levels"/>: the same counts best first, each with its level's name.
/// </summary>
public sealed record RatingStatsView(long Total, Dictionary<string, long> ByLevel, double? Index, List<RatingLevelView> Levels);
