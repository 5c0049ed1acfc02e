using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Fleet.Alerts;

/// <summary>Source-generated JSON for the alert endpoints, the webhook's notice and the stored centre rules (registered in <see cref="AlertsRegistration.AddAlerts"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AlertListView))]
[JsonSerializable(typeof(AlertRulesView))]
[JsonSerializable(typeof(AlertRules))]
[JsonSerializable(typeof(AlertRuleSettings))]
[JsonSerializable(typeof(AlertNotice))]
[JsonSerializable(typeof(AlertDetailView))]
[JsonSerializable(typeof(AlertWorkRequest))]
public sealed partial class AlertsJson : JsonSerializerContext;
