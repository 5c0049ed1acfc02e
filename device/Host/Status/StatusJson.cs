using System.Text.Json.Serialization;

namespace Edge.Device.Status;

/// <summary>GET /status: what a technician or a test needs to see at a glance.</summary>
public sealed record DeviceStatusView(
    string DeviceId,
    string Counter,
    bool Simulated,
    bool Connected,
    string? UplinkError,
    long OutboxDepth,
    long OutboxBytes,
    long OutboxFileBytes,
    double OldestUnackedAgeS,
    long LastAckedSeq,
    long NextSeq,
    long DroppedEvents,
    double DrainRatePerS,
    long Connects,
    long BatchesSent,
    long Resends,
    IReadOnlyDictionary<string, string> Peripherals,
    IReadOnlyDictionary<string, string>? Faults = null,
    bool OutboxAwaitingFleetSeq = false,
    bool OutboxAvailable = true,
    Provisioning.ProvisioningView? Provisioning = null);

/// <summary>The JSON of GET /status (this folder's own context).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DeviceStatusView))]
internal sealed partial class StatusJson : JsonSerializerContext;
