using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Fleet.Alerts;
using Edge.Fleet.Devices;
using Edge.Fleet.Health;
using Edge.Fleet.Ingest;
using Edge.Fleet.Stats;

namespace Edge.Fleet.Web;

/// <summary>Source-generated JSON for the REST API's own types (the wire types have <see cref="Edge.Wire.WireJson"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<DeviceView>))]
[JsonSerializable(typeof(RatingStatsView))]
[JsonSerializable(typeof(ErrorView))]
[JsonSerializable(typeof(IngestCountersView))]
[JsonSerializable(typeof(List<DeviceHealthView>))]
[JsonSerializable(typeof(DeviceHealthDetail))]
[JsonSerializable(typeof(RatingKeysFile))]
[JsonSerializable(typeof(AlertListView))]
[JsonSerializable(typeof(AlertRulesView))]
[JsonSerializable(typeof(AlertRules))]
[JsonSerializable(typeof(AlertRuleSettings))]
[JsonSerializable(typeof(AlertNotice))]
[JsonSerializable(typeof(AlertDetailView))]
[JsonSerializable(typeof(AlertWorkRequest))]
[JsonSerializable(typeof(List<DeadLetter>))]
[JsonSerializable(typeof(Notifications.DeadLetterRetryRequest))]
[JsonSerializable(typeof(RatingBreakdownView))]
[JsonSerializable(typeof(UnknownParameterView))]
public sealed partial class FleetJson : JsonSerializerContext;

public static class FleetJsonRegistration
{
    public static IHostApplicationBuilder AddFleetJson(this IHostApplicationBuilder builder)
    {
        builder.Services.AddApiJson(FleetJson.Default);
        return builder;
    }

    /// <summary>Lets the minimal APIs read and write a feature's types from its source-generated context (first in the chain).</summary>
    public static IServiceCollection AddApiJson(this IServiceCollection services, JsonSerializerContext context) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, context));
}
