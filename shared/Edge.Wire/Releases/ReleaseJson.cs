using System.Text.Json.Serialization;

namespace Edge.Wire;

/// <summary>Source-generated JSON of the release and update types: camelCase, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(ReleaseManifest))]
[JsonSerializable(typeof(UpdateOffer))]
[JsonSerializable(typeof(UpdateReport))]
public sealed partial class ReleaseJson : JsonSerializerContext;
