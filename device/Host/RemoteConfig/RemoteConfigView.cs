using System.Text.Json.Serialization;
using Edge.Wire;

namespace Edge.Device.RemoteConfig;

/// <summary>GET /remote-config on the local endpoint.</summary>
public sealed record RemoteConfigView(
    DesiredConfig? Applied,
    long StartedWithVersion,
    string? StartupProblem,
    ReportedConfig? LastReport,
    long AppliedCount,
    long InvalidCount,
    long MalformedCount,
    long OversizedCount);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RemoteConfigView))]
internal sealed partial class RemoteConfigViewJson : JsonSerializerContext;
