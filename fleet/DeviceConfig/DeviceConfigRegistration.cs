using System.Security.Claims;
using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Broker;
using Edge.Fleet.Hosting;
using Edge.Fleet.Registry;
using Edge.Wire;
using Edge.Fleet.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Edge.Fleet.DeviceConfig;

public static class DeviceConfigRegistration
{
    /// <summary>Desired and reported configuration per device (README.md here), in config.db of Fleet:DataDir.</summary>
    public static IHostApplicationBuilder AddDeviceConfig(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddDeviceDownlink();
        services.AddSingleton(sp => new DesiredConfigBook(
            FleetOptions.FileIn(sp, DesiredConfigBook.FileName),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<DesiredConfigPublisher>();
        services.AddDeviceReportConsumer<ConfigReportIntake>();
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
        app.MapGet("/api/v1/devices/{id}/config", (string id, DesiredConfigBook book, DesiredConfigPublisher publisher, ClaimsPrincipal user) =>
        {
            var target = publisher.TargetOf(id);
            return CentreScope.MaySee(user, target.Centre) ? Results.Json(View(book, target), DeviceConfigJson.Default.DeviceConfigView) : Results.Forbid();
        }).RequireAuthorization(FleetPolicies.Reader);

        app.MapGet("/api/v1/config/drift", (DesiredConfigBook book, DesiredConfigPublisher publisher, DeviceRegistry registry, ClaimsPrincipal user) =>
        {
            var ids = registry.List().Select(d => d.Id)
                .Concat(book.Layers().Where(l => l.Id.StartsWith("device:", StringComparison.Ordinal)).Select(l => l.Id["device:".Length..]))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            var drifting = ids.Select(publisher.TargetOf)
                .Where(t => CentreScope.MaySee(user, t.Centre))
                .Select(t => View(book, t))
                .Where(v => v.Drift)
                .ToList();
            return Results.Json(drifting, DeviceConfigJson.Default.ListDeviceConfigView);
        }).RequireAuthorization(FleetPolicies.Reader);

        app.MapGet("/api/v1/config/layers/{scope}/{name}", (string scope, string name, DesiredConfigBook book, ClaimsPrincipal user) =>
        {
            if (LayerId(scope, name) is not { } id)
            {
                return Problem("scope must be role or centre", []);
            }

            if (scope == "centre" && !CentreScope.MaySee(user, name))
            {
                return Results.Forbid();
            }

            return book.Layer(id) is { } layer ? Results.Json(LayerView(layer), DeviceConfigJson.Default.ConfigLayerView) : Results.NotFound();
        }).RequireAuthorization(FleetPolicies.Reader);

        app.MapPut("/api/v1/devices/{id}/config", (string id, ConfigLayerRequest request, DesiredConfigBook book, DesiredConfigPublisher publisher,
                AuditLog audit, ClaimsPrincipal user, HttpContext context, CancellationToken ct) =>
            DeviceId.IsValid(id)
                ? PutAsync(DesiredConfigBook.DeviceLayer(id), request, book, publisher, audit, user, context, ct)
                : Task.FromResult(Problem($"'{id}' is not a device id", [])))
            .RequireAuthorization(FleetPolicies.Technician);

        app.MapPut("/api/v1/config/layers/{scope}/{name}", (string scope, string name, ConfigLayerRequest request, DesiredConfigBook book,
                DesiredConfigPublisher publisher, AuditLog audit, ClaimsPrincipal user, HttpContext context, CancellationToken ct) =>
            LayerId(scope, name) is { } id
                ? PutAsync(id, request, book, publisher, audit, user, context, ct)
                : Task.FromResult(Problem("scope must be role (counter, kiosk, hall) or centre, and name 1-64 characters", [])))
            .RequireAuthorization(FleetPolicies.Technician);
        return app;
    }

    private static async Task<IResult> PutAsync(string layerId, ConfigLayerRequest request, DesiredConfigBook book, DesiredConfigPublisher publisher,
        AuditLog audit, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        var actor = user.Identity?.Name ?? "anonymous";
        var address = context.Connection.RemoteIpAddress?.ToString();
        var problems = request.Settings is null ? ["settings is required: {\"settings\": {\"Section:Key\": value}}"] : RemoteSettings.ShapeProblems(request.Settings);
        if (problems.Count > 0)
        {
            audit.Record(actor, AuditActions.ConfigChanged, layerId, success: false, detail: string.Join("; ", problems), address: address);
            return Problem("configuration refused", problems);
        }

        var layer = book.Put(layerId, request.Settings!, actor);
        audit.Record(actor, AuditActions.ConfigChanged, layerId, detail: $"revision {layer.Revision}: {string.Join(", ", request.Settings!.Keys.Order(StringComparer.Ordinal))}", address: address);
        foreach (var device in publisher.DevicesUnder(layerId))
        {
            await publisher.PublishAsync(device, cancellationToken);
        }

        return Results.Json(LayerView(layer), DeviceConfigJson.Default.ConfigLayerView);
    }

    private static string? LayerId(string scope, string name) => scope switch
    {
        "role" when DeviceRoles.IsValid(name) => DesiredConfigBook.RoleLayer(name),
        "centre" when name.Length is > 0 and <= 64 => DesiredConfigBook.CentreLayer(name),
        _ => null,
    };

    private static DeviceConfigView View(DesiredConfigBook book, ConfigTarget target)
    {
        var desired = book.Desired(target);
        var reported = book.Reported(target.DeviceId);
        var (drift, status) = ConfigDrift.Of(desired, reported);
        return new DeviceConfigView(
            target.DeviceId,
            target.Centre,
            target.Role,
            desired,
            book.LayersOf(target).Select(LayerView).ToList(),
            reported is null ? null : new ReportedView(reported.AppliedVersion, reported.State, reported.RejectedVersion, reported.Reason, reported.RestartPending, reported.At, reported.ReceivedAt),
            drift,
            status);
    }

    private static ConfigLayerView LayerView(ConfigLayer layer) => new(layer.Id, layer.Revision, layer.UpdatedAt, layer.UpdatedBy, layer.Settings());

    private static IResult Problem(string error, IReadOnlyList<string> problems) =>
        Results.Json(new ConfigProblemView(error, problems), DeviceConfigJson.Default.ConfigProblemView, statusCode: 400);
}
