using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Fleet.Stats;

/// <summary>Source-generated JSON for the statistics endpoints and the rating-key catalogue's legacy file (registered in <see cref="RatingBreakdownRegistration.AddRatingBreakdown"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RatingStatsView))]
[JsonSerializable(typeof(RatingBreakdownView))]
[JsonSerializable(typeof(RatingKeysFile))]
public sealed partial class StatsJson : JsonSerializerContext;
