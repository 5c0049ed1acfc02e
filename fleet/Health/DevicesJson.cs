using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Fleet.Health;

/// <summary>Source-generated JSON for <c>GET /api/v1/devices</c> (registered with <c>AddApiJson</c> in <see cref="HealthRegistration.AddHealth"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<DeviceView>))]
public sealed partial class DevicesJson : JsonSerializerContext;
