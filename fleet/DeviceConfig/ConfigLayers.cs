using System.Text.Json;
using Edge.Wire;
using JsonSerializer = System.Text.Json.JsonSerializer;

namespace Edge.Fleet.DeviceConfig;

/// <summary>
/// Layer ids and the merge: a device's desired configuration is its role's defaults, overridden by its centre's,
/// overridden by its own (key by key); its version is the highest revision among those layers.
/// </summary>
public static class ConfigLayers
{
    public const string DevicePrefix = "device:";

    public static string RoleLayer(string role) => $"role:{role}";

    public static string CentreLayer(string centre) => $"centre:{centre}";

    public static string DeviceLayer(string deviceId) => DevicePrefix + deviceId;

    /// <summary>The ids of the layers that apply to <paramref name="target"/>, lowest first.</summary>
    public static IReadOnlyList<string> IdsOf(ConfigTarget target)
    {
        var ids = new List<string>(3);
        if (!string.IsNullOrEmpty(target.Role))
        {
            ids.Add(RoleLayer(target.Role));
        }

        if (!string.IsNullOrEmpty(target.Centre))
        {
            ids.Add(CentreLayer(target.Centre));
        }

        ids.Add(DeviceLayer(target.DeviceId));
        return ids;
    }

    /// <summary>The layers that apply to <paramref name="target"/>, lowest first.</summary>
    public static async Task<IReadOnlyList<ConfigLayer>> LayersOfAsync(this IDesiredConfigStore store, ConfigTarget target, CancellationToken cancellationToken)
    {
        var ids = IdsOf(target);
        var found = (await store.FindLayersAsync(ids, cancellationToken)).ToDictionary(l => l.Id, StringComparer.Ordinal);
        return ids.Select(id => found.GetValueOrDefault(id)).OfType<ConfigLayer>().ToList();
    }

    /// <summary>The merged desired configuration, or null when no layer applies to the device.</summary>
    public static async Task<DesiredConfig?> DesiredAsync(this IDesiredConfigStore store, ConfigTarget target, CancellationToken cancellationToken) =>
        Merge(await store.LayersOfAsync(target, cancellationToken));

    /// <summary>Merges layers given lowest first; null when there are none.</summary>
    public static DesiredConfig? Merge(IReadOnlyList<ConfigLayer> layers)
    {
        if (layers.Count == 0)
        {
            return null;
        }

        var merged = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var layer in layers)
        {
            foreach (var (key, value) in layer.Settings())
            {
                merged[RemoteSettings.Find(key)?.Key ?? key] = value;
            }
        }

        return new DesiredConfig(layers.Max(l => l.Revision), merged);
    }

    /// <summary>Keys that only a device's own layer may set: a role or a centre's defaults must not change devices' roles.</summary>
    public static readonly IReadOnlyList<string> DeviceOnlyKeys = ["Device:Role"];

    /// <summary>Problems of a layer's keys for its scope (each naming its key): a device-only key in a role or centre layer.</summary>
    public static List<string> ScopeProblems(string layerId, IReadOnlyDictionary<string, JsonElement> settings) =>
        layerId.StartsWith(DevicePrefix, StringComparison.Ordinal)
            ? []
            : settings.Keys.Where(k => DeviceOnlyKeys.Contains(k, StringComparer.OrdinalIgnoreCase))
                .Select(k => $"{k} may only be set in a device's own layer (PUT /api/v1/devices/{{id}}/config), not in {layerId}")
                .ToList();

    /// <summary>Replaces a layer's settings whole; returns the stored layer with its new revision.</summary>
    public static Task<ConfigLayer> PutAsync(this IDesiredConfigStore store, string id, IReadOnlyDictionary<string, JsonElement> settings,
        string by, DateTime at, CancellationToken cancellationToken) =>
        store.PutLayerAsync(id, JsonSerializer.Serialize(settings.ToDictionary(kv => kv.Key, kv => kv.Value), ConfigJson.Default.DictionaryStringJsonElement),
            at, by, cancellationToken);
}
