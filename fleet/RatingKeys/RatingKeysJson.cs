using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Fleet.RatingKeys;

/// <summary>Source-generated JSON for the catalogue's legacy file <c>rating-keys.json</c> (read once, by <see cref="LiteRatingKeyStore"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RatingKeysFile))]
public sealed partial class RatingKeysJson : JsonSerializerContext;
