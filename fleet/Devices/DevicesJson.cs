using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Fleet.Devices;

/// <summary>Source-generated JSON for <c>GET /api/v1/devices</c> (registered with <c>AddApiJson</c> in <see cref="DevicesRegistration.AddDevices"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<DeviceView>))]
public sealed partial class DevicesJson : JsonSerializerContext;
