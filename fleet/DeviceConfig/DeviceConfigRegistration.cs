using System.Security.Claims;
using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Changes;
using Edge.Wire;
using Edge.Fleet.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Edge.Fleet.DeviceConfig;

public static class DeviceConfigRegistration
{
    /// <summary>
    /// Desired and reported configuration per device (README.md here): in config.db of Fleet:DataDir, or in PostgreSQL
    /// with <c>Store:Kind=postgres</c>. Call after <c>AddSelectedEventStore</c>.
    /// </summary>
    public static IHostApplicationBuilder AddDeviceConfig(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddDeviceDownlink();
        builder.AddFleetStore<IDesiredConfigStore>(
            sp => new LiteDesiredConfigStore(FleetOptions.FileIn(sp, LiteDesiredConfigStore.FileName), sp.GetRequiredService<StoreOutages>()),
            sp => new PostgresDesiredConfigStore(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<DesiredConfigPublisher>();
        services.AddDeviceReportConsumer<ConfigReportIntake>();
        services.AddDeviceOnlineConsumer<DesiredConfigOnlineCheck>();
        services.AddHostedService<DesiredConfigStartupPublisher>();
        services.AddApiJson(DeviceConfigJson.Default);
        return builder;
    }

    /// <summary>
    /// Readers: <c>GET /api/v1/devices/{id}/config</c>, <c>GET /api/v1/config/drift</c> (devices whose report differs
    /// from what is desired), <c>GET /api/v1/config/layers/{scope}/{name}</c>. Technicians: <c>PUT</c> the same device and
    /// layer addresses (scope <c>role</c> or <c>centre</c>), audited as <c>config.changed</c>. A manager sees and a
    /// technician changes only what the auth policies allow; a manager is limited to their centres.
    /// </summary>
    public static IEndpointRouteBuilder MapDeviceConfigApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/devices/{id}/config", async (string id, IDesiredConfigStore store, DesiredConfigPublisher publisher, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var target = publisher.TargetOf(id);
            if (!CentreScope.MaySee(user, target.Centre))
            {
                return Results.Forbid();
            }

            var view = View(target, await store.LayersOfAsync(target, ct), await store.FindReportedAsync(id, ct));
            return Results.Json(view, DeviceConfigJson.Default.DeviceConfigView);
        }).RequireAuthorization(FleetPolicies.Reader);

        app.MapGet("/api/v1/config/drift", async (IDesiredConfigStore store, DesiredConfigPublisher publisher, DeviceRegistry registry, ClaimsPrincipal user, CancellationToken ct) =>
        {
            // Two reads for the whole fleet, not two per device.
            var layers = (await store.ListLayersAsync(ct)).ToDictionary(l => l.Id, StringComparer.Ordinal);
            var reported = (await store.ListReportedAsync(ct)).ToDictionary(r => r.DeviceId, StringComparer.Ordinal);
            var ids = registry.List().Select(d => d.Id)
                .Concat(layers.Keys.Where(l => l.StartsWith(ConfigLayers.DevicePrefix, StringComparison.Ordinal)).Select(l => l[ConfigLayers.DevicePrefix.Length..]))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            var drifting = ids.Select(publisher.TargetOf)
                .Where(t => CentreScope.MaySee(user, t.Centre))
                .Select(t => View(t, ConfigLayers.IdsOf(t).Select(layers.GetValueOrDefault).OfType<ConfigLayer>().ToList(), reported.GetValueOrDefault(t.DeviceId)))
                .Where(v => v.Drift)
                .ToList();
            return Results.Json(drifting, DeviceConfigJson.Default.ListDeviceConfigView);
        }).RequireAuthorization(FleetPolicies.Reader);

        app.MapGet("/api/v1/config/layers/{scope}/{name}", async (string scope, string name, IDesiredConfigStore store, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (LayerId(scope, name) is not { } id)
            {
                return Problem("scope must be role or centre", []);
            }

            if (scope == "centre" && !CentreScope.MaySee(user, name))
            {
                return Results.Forbid();
            }

            return await store.FindLayerAsync(id, ct) is { } layer ? Results.Json(LayerView(layer), DeviceConfigJson.Default.ConfigLayerView) : Results.NotFound();
        }).RequireAuthorization(FleetPolicies.Reader);

        app.MapPut("/api/v1/devices/{id}/config", (string id, ConfigLayerRequest request, [AsParameters] LayerPut put, ClaimsPrincipal user, HttpContext context, CancellationToken ct) =>
            DeviceId.IsValid(id)
                ? PutAsync(ConfigLayers.DeviceLayer(id), request, put, user, context, ct)
                : Task.FromResult(Problem($"'{id}' is not a device id", [])))
            .RequireAuthorization(FleetPolicies.Technician);

        app.MapPut("/api/v1/config/layers/{scope}/{name}", (string scope, string name, ConfigLayerRequest request, [AsParameters] LayerPut put,
                ClaimsPrincipal user, HttpContext context, CancellationToken ct) =>
            LayerId(scope, name) is { } id
                ? PutAsync(id, request, put, user, context, ct)
                : Task.FromResult(Problem("scope must be role (counter, kiosk, hall) or centre, and name 1-64 characters", [])))
            .RequireAuthorization(FleetPolicies.Technician);
        return app;
    }

    /// <summary>What a PUT needs, as one parameter of the endpoints (services from the container).</summary>
    internal sealed record LayerPut(IDesiredConfigStore Store, DesiredConfigPublisher Publisher, AuditRecorder Audit, IChangeFeed Changes, TimeProvider Time);

    private static async Task<IResult> PutAsync(string layerId, ConfigLayerRequest request, LayerPut put, ClaimsPrincipal user, HttpContext context,
        CancellationToken cancellationToken)
    {
        var actor = user.Identity?.Name ?? "anonymous";
        var address = context.Connection.RemoteIpAddress?.ToString();
        List<string> problems = request.Settings is null
            ? ["settings is required: {\"settings\": {\"Section:Key\": value}}"]
            : [.. RemoteSettings.ShapeProblems(request.Settings), .. ConfigLayers.ScopeProblems(layerId, request.Settings)];
        if (problems.Count > 0)
        {
            put.Audit.Record(actor, AuditActions.ConfigChanged, layerId, success: false, detail: string.Join("; ", problems), address: address);
            return Problem("configuration refused", problems);
        }

        var layer = await put.Store.PutAsync(layerId, request.Settings!, actor, put.Time.GetUtcNow().UtcDateTime, cancellationToken);
        put.Audit.Record(actor, AuditActions.ConfigChanged, layerId, detail: $"revision {layer.Revision}: {string.Join(", ", request.Settings!.Keys.Order(StringComparer.Ordinal))}", address: address);
        await put.Changes.PublishAsync(ChangeTopics.DeviceConfig, cancellationToken);
        await put.Publisher.PublishAsync(put.Publisher.DevicesUnder(layerId), cancellationToken);

        return Results.Json(LayerView(layer), DeviceConfigJson.Default.ConfigLayerView);
    }

    private static string? LayerId(string scope, string name) => scope switch
    {
        "role" when DeviceRoles.IsValid(name) => ConfigLayers.RoleLayer(name),
        "centre" when name.Length is > 0 and <= 64 => ConfigLayers.CentreLayer(name),
        _ => null,
    };

    private static DeviceConfigView View(ConfigTarget target, IReadOnlyList<ConfigLayer> layers, ReportedRecord? reported)
    {
        var desired = ConfigLayers.Merge(layers);
        var (drift, status) = ConfigDrift.Of(desired, reported);
        return new DeviceConfigView(
            target.DeviceId,
            target.Centre,
            target.Role,
            desired,
            layers.Select(LayerView).ToList(),
            reported is null ? null : new ReportedView(reported.AppliedVersion, reported.State, reported.RejectedVersion, reported.Reason, reported.RestartPending, reported.At, reported.ReceivedAt),
            drift,
            status);
    }

    private static ConfigLayerView LayerView(ConfigLayer layer) => new(layer.Id, layer.Revision, layer.UpdatedAt, layer.UpdatedBy, layer.Settings());

    private static IResult Problem(string error, IReadOnlyList<string> problems) =>
        Results.Json(new ConfigProblemView(error, problems), DeviceConfigJson.Default.ConfigProblemView, statusCode: 400);
}
