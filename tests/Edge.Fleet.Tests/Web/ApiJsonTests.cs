using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Edge.Fleet.Alerts;
using Edge.Fleet.Devices;
using Edge.Fleet.Health;
using Edge.Fleet.Hosting;
using Edge.Fleet.Ingest;
using Edge.Fleet.Notifications;
using Edge.Fleet.Stats;
using Edge.Fleet.Web;
using Edge.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Edge.Fleet.Tests.Web;

/// <summary>
/// The minimal APIs read and write each feature's types from that feature's own source-generated context, which its
/// registration adds (fleet/Web/README.md): no central list, and no type left to the reflection fallback.
/// </summary>
public sealed class ApiJsonTests : IDisposable
{
    private static readonly JsonSerializerOptions Reflection = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
    private readonly TempFolder _folder = new("api-json");

    public void Dispose() => _folder.Dispose();

    private static readonly (Type Type, Type Owner)[] Owners =
    [
        (typeof(List<DeviceView>), typeof(DevicesJson)),
        (typeof(RatingStatsView), typeof(StatsJson)),
        (typeof(RatingBreakdownView), typeof(StatsJson)),
        (typeof(IngestCountsView), typeof(IngestJson)),
        (typeof(List<DeviceHealthView>), typeof(HealthJson)),
        (typeof(DeviceHealthDetail), typeof(HealthJson)),
        (typeof(AlertListView), typeof(AlertsJson)),
        (typeof(AlertRulesView), typeof(AlertsJson)),
        (typeof(AlertRules), typeof(AlertsJson)),
        (typeof(AlertDetailView), typeof(AlertsJson)),
        (typeof(AlertWorkRequest), typeof(AlertsJson)),
        (typeof(List<DeadLetter>), typeof(NotificationsJson)),
        (typeof(DeadLetterRetryRequest), typeof(NotificationsJson)),
        (typeof(ErrorView), typeof(WebJson)),
    ];

    [Fact]
    public async Task The_application_resolves_each_type_from_its_features_context()
    {
        await using var app = FleetApp.Build(["--Fleet:DataDir=" + _folder["fleet"], "--Mqtt:Port=" + FreePort.Next(), "--urls", "http://127.0.0.1:0"]);
        var options = app.Services.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions;

        var answers = Owners.Select(o => (o.Type, o.Owner, Answering: options.TypeInfoResolverChain.OfType<JsonSerializerContext>()
            .FirstOrDefault(context => ((IJsonTypeInfoResolver)context).GetTypeInfo(o.Type, options) is not null)?.GetType())).ToList();

        Assert.All(answers, a => Assert.True(a.Owner == a.Answering, $"{a.Type.Name}: answered by {a.Answering?.Name ?? "reflection"}, owner {a.Owner.Name}"));
    }

    [Fact]
    public void A_features_context_writes_what_the_web_defaults_write()
    {
        // Same options as the central list had (JsonSerializerDefaults.Web): camelCase names, nulls written.
        var view = new DeviceView("dev-a", true, null, 3, 4, 4, 4, 1, 0, Centre: "centre-a");

        Assert.Equal(JsonSerializer.Serialize(view, Reflection), JsonSerializer.Serialize(view, DevicesJson.Default.DeviceView));
        Assert.Contains("\"lastSeen\":null", JsonSerializer.Serialize(view, DevicesJson.Default.DeviceView));
    }
}
