using System.Text.Json;
using Edge.Storage;
using Edge.Wire;
using LiteDB;
using JsonSerializer = System.Text.Json.JsonSerializer;

namespace Edge.Fleet.DeviceConfig;

/// <summary>One layer of desired settings: the defaults of a role or a centre, or one device's own (collection <c>layers</c>).</summary>
public sealed class ConfigLayer
{
    /// <summary><c>role:{role}</c>, <c>centre:{centre}</c> or <c>device:{id}</c>.</summary>
    [BsonId]
    public string Id { get; set; } = "";

    /// <summary>The settings as JSON (a <see cref="DesiredConfig.Settings"/> object).</summary>
    public string SettingsJson { get; set; } = "{}";

    /// <summary>Fleet-wide revision of the last change; a device's desired version is the highest revision of its layers.</summary>
    public long Revision { get; set; }

    public DateTime UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";

    public Dictionary<string, JsonElement> Settings() =>
        JsonSerializer.Deserialize(SettingsJson, ConfigJson.Default.DictionaryStringJsonElement) ?? [];
}

/// <summary>The latest configuration report of a device (collection <c>reported</c>).</summary>
public sealed class ReportedRecord
{
    [BsonId]
    public string DeviceId { get; set; } = "";

    public long AppliedVersion { get; set; }

    public string State { get; set; } = "";

    public long? RejectedVersion { get; set; }

    public string? Reason { get; set; }

    public List<string> RestartPending { get; set; } = [];

    /// <summary>When the device says it reported (its clock).</summary>
    public DateTime At { get; set; }

    /// <summary>When the fleet received it.</summary>
    public DateTime ReceivedAt { get; set; }
}

/// <summary>Who a desired configuration is for: the device, its centre and its role (null when not registered).</summary>
public sealed record ConfigTarget(string DeviceId, string? Centre, string? Role);

/// <summary>
/// Desired configurations and devices' reports, in <c>{Fleet:DataDir}/config.db</c>. A device's desired configuration
/// is its role's defaults, overridden by its centre's, overridden by its own (key by key); its version is the highest
/// revision among those layers, and every change takes a new fleet-wide revision, so the version a device sees only
/// ever grows. Changes are durable before they are answered or published.
/// </summary>
public sealed class DesiredConfigBook : IDisposable
{
    private const string LayersCollection = "layers";
    private const string ReportedCollection = "reported";

    public const string FileName = "config.db";

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<ConfigLayer> _layers;
    private readonly ILiteCollection<ReportedRecord> _reported;
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private long _revision;

    public DesiredConfigBook(string path, TimeProvider time)
    {
        _time = time;
        _db = LiteFile.Open(path, LayersCollection, ReportedCollection);
        _layers = _db.GetCollection<ConfigLayer>(LayersCollection);
        _reported = _db.GetCollection<ReportedRecord>(ReportedCollection);
        _revision = _layers.Query().ToEnumerable().Select(l => l.Revision).DefaultIfEmpty(0).Max();
    }

    public static string RoleLayer(string role) => $"role:{role}";

    public static string CentreLayer(string centre) => $"centre:{centre}";

    public static string DeviceLayer(string deviceId) => $"device:{deviceId}";

    public ConfigLayer? Layer(string id)
    {
        lock (_gate)
        {
            return _layers.FindById(id);
        }
    }

    public IReadOnlyList<ConfigLayer> Layers()
    {
        lock (_gate)
        {
            return _layers.FindAll().OrderBy(l => l.Id, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Replaces a layer's settings whole; returns the stored layer with its new revision.</summary>
    public ConfigLayer Put(string id, IReadOnlyDictionary<string, JsonElement> settings, string by)
    {
        lock (_gate)
        {
            var layer = new ConfigLayer
            {
                Id = id,
                SettingsJson = JsonSerializer.Serialize(settings.ToDictionary(kv => kv.Key, kv => kv.Value), ConfigJson.Default.DictionaryStringJsonElement),
                Revision = _revision + 1,
                UpdatedAt = _time.GetUtcNow().UtcDateTime,
                UpdatedBy = by,
            };
            LiteFile.CommitDurably(_db, () => _layers.Upsert(layer));
            _revision = layer.Revision;
            return layer;
        }
    }

    /// <summary>The layers that apply to <paramref name="target"/>, lowest first.</summary>
    public IReadOnlyList<ConfigLayer> LayersOf(ConfigTarget target)
    {
        var ids = new List<string>();
        if (!string.IsNullOrEmpty(target.Role))
        {
            ids.Add(RoleLayer(target.Role));
        }

        if (!string.IsNullOrEmpty(target.Centre))
        {
            ids.Add(CentreLayer(target.Centre));
        }

        ids.Add(DeviceLayer(target.DeviceId));
        lock (_gate)
        {
            return ids.Select(id => _layers.FindById(id)).OfType<ConfigLayer>().ToList();
        }
    }

    /// <summary>The merged desired configuration, or null when no layer applies to the device.</summary>
    public DesiredConfig? Desired(ConfigTarget target)
    {
        var layers = LayersOf(target);
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

    public ReportedRecord? Reported(string deviceId)
    {
        lock (_gate)
        {
            return _reported.FindById(deviceId);
        }
    }

    public void SaveReported(ReportedRecord record)
    {
        lock (_gate)
        {
            // A report is re-sent with every redelivery of the desired configuration: no fsync needed to be right.
            _reported.Upsert(record);
        }
    }

    public void Dispose() => _db.Dispose();
}
