using System.Text.Json;
using Edge.Wire;

namespace Edge.DeviceProtocol;

/// <summary>The retained <c>edge/v1/{device}/status</c>: online at every connection, offline as the will and at a clean stop.</summary>
public static class StatusPayload
{
    /// <param name="session">Names the connection, so the fleet can tell an old will from a new session.</param>
    public static byte[] Write(bool online, string session, string? hostVersion, string? lanAddress = null) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new DeviceStatus(online, session, DateTimeOffset.UtcNow, hostVersion, lanAddress), WireJson.Default.DeviceStatus);

    /// <summary>A fresh session name.</summary>
    public static string NewSession() => Guid.NewGuid().ToString("N");
}
