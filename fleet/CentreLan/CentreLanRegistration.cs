using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using Edge.Fleet.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Edge.Fleet.CentreLan;

public static class CentreLanRegistration
{
    /// <summary>The centres' LAN keys and addresses (README.md here): their store, and the publisher of each centre's <see cref="Wire.LanInfo"/>.</summary>
    public static IHostApplicationBuilder AddCentreLan(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddDeviceDownlink();
        builder.AddFleetStore<ICentreLanStore>(
            sp => new LiteCentreLanStore(FleetOptions.FileIn(sp, LiteCentreLanStore.FileName), sp.GetRequiredService<StoreOutages>()),
            sp => new PostgresCentreLanStore(sp.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddDeviceOnlineConsumer<CentreLanPublisher>();
        builder.Services.AddApiJson(CentreLanJson.Default);
        return builder;
    }

    /// <summary>
    /// Readers (managers: their centres): <c>GET /api/v1/centres/{centre}/lan</c>, the key's version and the devices'
    /// LAN addresses (never the key). Administrators: <c>POST /api/v1/centres/{centre}/lan-key/rotate</c>, a new key
    /// published to every device of the centre, audited as <c>centre-key.rotated</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapCentreLanApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/centres/{centre}/lan", async (string centre, ICentreLanStore store, DeviceRegistry registry, TimeProvider time, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (centre.Length is 0 or > 64)
            {
                return Results.NotFound();
            }

            if (!CentreScope.MaySee(user, centre))
            {
                return Results.Forbid();
            }

            var devices = registry.ActiveDevicesOf(centre);
            var key = await store.KeyOfAsync(centre, time.GetUtcNow().UtcDateTime, ct);
            var addresses = await store.AddressesAsync(devices.Select(d => d.Id).ToList(), ct);
            var view = new CentreLanView(centre, key.Version, key.CreatedAt, key.CreatedBy,
                devices.Select(d => new CentreLanDeviceView(d.Id, d.Role, addresses.GetValueOrDefault(d.Id))).ToList());
            return Results.Json(view, CentreLanJson.Default.CentreLanView);
        }).RequireAuthorization(FleetPolicies.Reader);

        app.MapPost("/api/v1/centres/{centre}/lan-key/rotate", async (string centre, ICentreLanStore store, CentreLanPublisher publisher, AuditRecorder audit,
            TimeProvider time, ClaimsPrincipal user, HttpContext context, CancellationToken ct) =>
        {
            if (centre.Length is 0 or > 64)
            {
                return Results.NotFound();
            }

            var actor = user.Identity?.Name ?? "anonymous";
            var key = await store.RotateAsync(centre, time.GetUtcNow().UtcDateTime, actor, ct);
            await audit.RecordAsync(actor, AuditActions.CentreKeyRotated, centre, detail: $"version {key.Version}",
                address: context.Connection.RemoteIpAddress?.ToString(), cancellationToken: ct);
            await publisher.PublishAsync(centre, onlyDevices: null, ct);
            return Results.Json(new CentreKeyRotatedView(centre, key.Version, key.CreatedAt), CentreLanJson.Default.CentreKeyRotatedView);
        }).RequireAuthorization(FleetPolicies.Administrator);
        return app;
    }
}

/// <summary>A centre's LAN: the key's version and who made it, and each active device with its reported LAN address.</summary>
public sealed record CentreLanView(string Centre, long KeyVersion, DateTime KeyCreatedAt, string KeyCreatedBy, IReadOnlyList<CentreLanDeviceView> Devices);

public sealed record CentreLanDeviceView(string Id, string Role, string? LanAddress);

/// <summary>The answer to a rotation: the new version (the key itself goes only to the centre's devices).</summary>
public sealed record CentreKeyRotatedView(string Centre, long KeyVersion, DateTime CreatedAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CentreLanView))]
[JsonSerializable(typeof(CentreKeyRotatedView))]
internal sealed partial class CentreLanJson : JsonSerializerContext;
