using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Fleet.Ingest;

/// <summary>Source-generated JSON for <c>GET /api/v1/ingest/counters</c> (registered in <see cref="IngestRegistration.AddIngest"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IngestCountsView))]
public sealed partial class IngestJson : JsonSerializerContext;
