using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Fleet.Alerts;

namespace Edge.Fleet.Notifications;

/// <summary>Source-generated JSON for the dead-letter endpoints (registered in <see cref="NotificationsRegistration.AddNotifications"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<DeadLetter>))]
[JsonSerializable(typeof(DeadLetterRetryRequest))]
public sealed partial class NotificationsJson : JsonSerializerContext;
