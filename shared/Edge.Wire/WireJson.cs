using System.Text.Json.Serialization;

namespace Edge.Wire;

/// <summary>Source-generated JSON for every wire type: camelCase, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(EventBatch))]
[JsonSerializable(typeof(DeviceEvent))]
[JsonSerializable(typeof(Ack))]
[JsonSerializable(typeof(DeviceStatus))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(CallRequest))]
[JsonSerializable(typeof(CallReply))]
[JsonSerializable(typeof(HallBoard))]
[JsonSerializable(typeof(LanHeadsRequest))]
[JsonSerializable(typeof(LanHeads))]
[JsonSerializable(typeof(LanTakeRequest))]
[JsonSerializable(typeof(LanTakeReply))]
[JsonSerializable(typeof(LanTransferRequest))]
[JsonSerializable(typeof(LanHallCall))]
[JsonSerializable(typeof(LanInfo))]
public sealed partial class WireJson : JsonSerializerContext;
