using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Wire;

namespace Edge.Fleet.Provisioning;

/// <summary>Source-generated JSON for the enrolment, provisioning and claim label endpoints.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EnrolmentRequest))]
[JsonSerializable(typeof(EnrolmentView))]
[JsonSerializable(typeof(List<OpenEnrolmentView>))]
[JsonSerializable(typeof(ProvisionRequest))]
[JsonSerializable(typeof(ProvisionResponse))]
[JsonSerializable(typeof(ProvisionError))]
[JsonSerializable(typeof(ClaimLabelRequest))]
public sealed partial class ProvisioningJson : JsonSerializerContext;
