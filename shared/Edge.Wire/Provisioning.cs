using System.Text.Json.Serialization;

namespace Edge.Wire;

/// <summary>Body of <c>POST /api/v1/provision</c>: the claim code as typed.</summary>
public sealed record ProvisionRequest(string? Code);

/// <summary>
/// What a device receives once for its claim code: its id and secret (its MQTT password; the fleet keeps only a
/// hash), where the broker is, its initial settings, the CA that signed the broker's TLS certificate if any, and its
/// centre's LAN key (base64) with the key's version (<see cref="LanInfo"/>; absent from older fleets).
/// </summary>
public sealed record ProvisionResponse(
    string DeviceId,
    string Secret,
    string Centre,
    string Counter,
    string Role,
    string MqttHost,
    int MqttPort,
    bool MqttTls,
    string? CaCertificate,
    string? CentreKey = null,
    long? CentreKeyVersion = null);

/// <summary>A refused request: <see cref="Reason"/> is <c>unknown</c>, <c>expired</c>, <c>used</c>, <c>device-id-taken</c>, <c>invalid</c>...</summary>
public sealed record ProvisionError(string Error, string Reason);

/// <summary>Source-generated JSON of the provisioning contract (REST, camelCase, like the fleet's API).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProvisionRequest))]
[JsonSerializable(typeof(ProvisionResponse))]
[JsonSerializable(typeof(ProvisionError))]
public sealed partial class ProvisioningJson : JsonSerializerContext;
