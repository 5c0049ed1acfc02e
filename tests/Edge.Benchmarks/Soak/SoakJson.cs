using System.Text.Json.Serialization;

namespace Edge.Benchmarks.Soak;

/// <summary>The soak's ledger file: device id to [numbered, acked].</summary>
[JsonSerializable(typeof(Dictionary<string, long[]>))]
internal sealed partial class SoakJson : JsonSerializerContext;
