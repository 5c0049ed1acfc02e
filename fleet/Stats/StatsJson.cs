using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Fleet.Stats;

/// <summary>Source-generated JSON for the statistics endpoints (registered in <see cref="RatingBreakdownRegistration.AddRatingBreakdown"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RatingStatsView))]
[JsonSerializable(typeof(RatingBreakdownView))]
public sealed partial class StatsJson : JsonSerializerContext;
