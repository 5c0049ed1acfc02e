using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Fleet.Audit;
using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Edge.Wire;

namespace Edge.Fleet.Auth;

/// <summary>Source-generated JSON for the registry, people and audit endpoints (provisioning's: <c>Provisioning.ProvisioningJson</c>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(LoginView))]
[JsonSerializable(typeof(UserRequest))]
[JsonSerializable(typeof(UserView))]
[JsonSerializable(typeof(List<UserView>))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenView))]
[JsonSerializable(typeof(RegisteredDeviceView))]
[JsonSerializable(typeof(List<RegisteredDeviceView>))]
[JsonSerializable(typeof(List<AuditEntry>))]
[JsonSerializable(typeof(SecurityCountsView))]
public sealed partial class SecurityJson : JsonSerializerContext;
