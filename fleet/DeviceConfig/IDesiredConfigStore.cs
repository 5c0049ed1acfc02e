using System.Text.Json;
using Edge.Wire;
using LiteDB;
using JsonSerializer = System.Text.Json.JsonSerializer;

namespace Edge.Fleet.DeviceConfig;

/// <summary>
/// Desired configuration layers and devices' latest configuration reports. Two engines: <see cref="LiteDesiredConfigStore"/>
/// (<c>{Fleet:DataDir}/config.db</c>, one node) and <see cref="PostgresDesiredConfigStore"/> (shared by every node).
/// Every put takes a new fleet-wide revision allocated by the store itself, so revisions are never reused and grow in
/// the order the puts commit, whichever node makes them.
/// </summary>
public interface IDesiredConfigStore
{
    Task<ConfigLayer?> FindLayerAsync(string id, CancellationToken cancellationToken);

    /// <summary>The layers among <paramref name="ids"/> that exist (any order).</summary>
    Task<IReadOnlyList<ConfigLayer>> FindLayersAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>Every layer, by id.</summary>
    Task<IReadOnlyList<ConfigLayer>> ListLayersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a layer's settings whole (a JSON object) and gives it a new fleet-wide revision, higher than every
    /// revision committed before; durable before it returns the stored layer.
    /// </summary>
    Task<ConfigLayer> PutLayerAsync(string id, string settingsJson, DateTime updatedAt, string updatedBy, CancellationToken cancellationToken);

    Task<ReportedRecord?> FindReportedAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>The latest reports of the devices among <paramref name="deviceIds"/> that reported (any order).</summary>
    Task<IReadOnlyList<ReportedRecord>> FindReportedAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken);

    /// <summary>Every device's latest report, by device id.</summary>
    Task<IReadOnlyList<ReportedRecord>> ListReportedAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the device's latest report.</summary>
    Task SaveReportedAsync(ReportedRecord record, CancellationToken cancellationToken);
}

/// <summary>One layer of desired settings: the defaults of a role or a centre, or one device's own.</summary>
public sealed class ConfigLayer
{
    /// <summary><c>role:{role}</c>, <c>centre:{centre}</c> or <c>device:{id}</c> (<see cref="ConfigLayers"/>).</summary>
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

/// <summary>The latest configuration report of a device.</summary>
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
