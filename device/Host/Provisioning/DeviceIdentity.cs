using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Wire;

using Edge.Storage;

namespace Edge.Device.Provisioning;

/// <summary>Who this device is, as the fleet issued it at provisioning: <c>{Device:DataDir}/identity.json</c>, mode 0600.</summary>
public sealed record DeviceIdentity(
    string DeviceId,
    string Secret,
    string Centre,
    string Counter,
    string Role,
    string FleetUrl,
    string MqttHost,
    int MqttPort,
    bool MqttTls,
    DateTimeOffset ProvisionedAt)
{
    public const string FileName = "identity.json";

    /// <summary>The fleet's CA certificate, next to the identity, when the broker speaks TLS.</summary>
    public const string CaFileName = "fleet-ca.crt";

    public static DeviceIdentity From(ProvisionResponse response, Uri fleet, DateTimeOffset now) => new(
        response.DeviceId, response.Secret, response.Centre, response.Counter, response.Role,
        fleet.ToString(), response.MqttHost, response.MqttPort, response.MqttTls, now);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(DeviceIdentity))]
internal sealed partial class IdentityJson : JsonSerializerContext;

/// <summary>Reads and writes the identity file: owner-only (0600), written whole or not at all.</summary>
public static class IdentityFile
{
    public static string PathIn(string dataDir) => Path.Combine(dataDir, DeviceIdentity.FileName);

    public static DeviceIdentity? Read(string dataDir)
    {
        var path = PathIn(dataDir);
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), IdentityJson.Default.DeviceIdentity) : null;
    }

    /// <summary>Writes the identity (and the fleet's CA, if any): temp file created 0600, flushed, then renamed over.</summary>
    public static string Write(string dataDir, DeviceIdentity identity, string? caCertificatePem)
    {
        Directory.CreateDirectory(dataDir);
        if (caCertificatePem is not null)
        {
            OwnerOnlyFile.Write(Path.Combine(dataDir, DeviceIdentity.CaFileName), System.Text.Encoding.ASCII.GetBytes(caCertificatePem));
        }

        var path = PathIn(dataDir);
        OwnerOnlyFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(identity, IdentityJson.Default.DeviceIdentity));
        return path;
    }
}
