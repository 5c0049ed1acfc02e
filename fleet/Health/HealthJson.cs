using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Fleet.Health;

/// <summary>Source-generated JSON for the health endpoints (registered in <see cref="HealthRegistration.AddHealth"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<DeviceHealthView>))]
[JsonSerializable(typeof(DeviceHealthDetail))]
public sealed partial class HealthJson : JsonSerializerContext;
