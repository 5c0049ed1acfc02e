using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Wire;

namespace Edge.Fleet.DeviceConfig;

/// <summary>PUT body: the layer's settings, whole (keys left out fall back to the layer below, or the device's own).</summary>
public sealed record ConfigLayerRequest(Dictionary<string, JsonElement>? Settings);

public sealed record ConfigLayerView(string Id, long Revision, DateTime UpdatedAt, string UpdatedBy, Dictionary<string, JsonElement> Settings);

public sealed record ReportedView(long AppliedVersion, string State, long? RejectedVersion, string? Reason, IReadOnlyList<string> RestartPending, DateTime At, DateTime ReceivedAt);

/// <summary>
/// GET /api/v1/devices/{id}/config: what the fleet wants (merged, and the layers it comes from), what the device runs,
/// and whether they differ (<see cref="Drift"/>) and why.
/// </summary>
public sealed record DeviceConfigView(
    string DeviceId,
    string? Centre,
    string? Role,
    DesiredConfig? Desired,
    IReadOnlyList<ConfigLayerView> Layers,
    ReportedView? Reported,
    bool Drift,
    string Status);

public sealed record ConfigProblemView(string Error, IReadOnlyList<string> Problems);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ConfigLayerRequest))]
[JsonSerializable(typeof(ConfigLayerView))]
[JsonSerializable(typeof(DeviceConfigView))]
[JsonSerializable(typeof(List<DeviceConfigView>))]
[JsonSerializable(typeof(ConfigProblemView))]
internal sealed partial class DeviceConfigJson : JsonSerializerContext;

/// <summary>Compares desired and reported: the drift flag and a one-line status a person can act on.</summary>
public static class ConfigDrift
{
    public static (bool Drift, string Status) Of(DesiredConfig? desired, ReportedRecord? reported) => (desired, reported) switch
    {
        (null, null) => (false, "no desired configuration"),
        (null, { } r) => (false, $"no desired configuration; device runs v{r.AppliedVersion}"),
        ({ } d, null) => (true, $"desired v{d.Version}; the device has not reported yet"),
        ({ } d, { State: ConfigStates.Rejected } r) when r.RejectedVersion == d.Version =>
            (true, $"device refused v{d.Version} and keeps v{r.AppliedVersion}: {r.Reason}"),
        ({ } d, { } r) when r.AppliedVersion != d.Version => (true, $"desired v{d.Version}, device runs v{r.AppliedVersion}"),
        ({ } d, { State: ConfigStates.RestartRequired } r) =>
            (false, $"v{d.Version} applied; restart required for {string.Join(", ", r.RestartPending)}"),
        ({ } d, _) => (false, $"v{d.Version} applied"),
    };
}
