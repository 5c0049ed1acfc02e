using System.Globalization;
using System.Security.Claims;
using Edge.Fleet.Auth;
using Edge.Fleet.Broker;
using Edge.Fleet.Metrics;
using Edge.Fleet.Store;
using Edge.Fleet.Web;
using Edge.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Edge.Fleet.Health;

public static class HealthRegistration
{
    /// <summary>
    /// Heartbeat intake, the board, the recorder and its store (<c>{Fleet:DataDir}/health.db</c> or PostgreSQL by
    /// <c>Store:Kind</c>), liveness, the devices list's meter and JSON (clock placement subscribes to heartbeats: fleet/Clock).
    /// </summary>
    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<HealthOptions>(HealthOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IDeviceCentres, RegistryDeviceCentres>();
        builder.AddFleetStore<IHealthStore>(
            sp => new LiteHealthStore(FleetOptions.FileIn(sp, "health.db"), sp.GetRequiredService<StoreOutages>()),
            sp => new PostgresHealthStore(sp.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton<HeartbeatBoard>();
        builder.Services.AddSingleton<FleetHeartbeats>();
        builder.Services.AddSingleton<HealthMetrics>();
        builder.Services.AddDeviceReportConsumer<HeartbeatIntake>();
        builder.Services.AddSingleton<FleetHealthReader>();
        builder.Services.AddFeatureMeter<DevicesMetrics>();
        builder.Services.AddApiJson(DevicesJson.Default);
        builder.Services.AddHostedService<HealthRecorder>();
        builder.Services.AddApiJson(HealthJson.Default);
        return builder;
    }

    /// <summary>
    /// <c>GET /api/v1/health</c>: every device's liveness and latest heartbeat figures (a manager: their centres' devices).
    /// <c>GET /api/v1/health/{device}?from=&amp;to=&amp;limit=</c>: one device with its heartbeat history
    /// (default the last 24 h, at most 2,000 samples, newest first).
    /// </summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/health", async (FleetHealthReader reader, ClaimsPrincipal user, CancellationToken cancellationToken) =>
            TypedResults.Ok((await reader.ReadAsync(cancellationToken)).Where(d => CentreScope.MaySee(user, d.Centre)).Select(DeviceHealthView.From).ToList()));
        app.MapGet("/api/v1/health/{device}", GetDeviceAsync);
        return app;
    }

    private static async Task<Results<Ok<DeviceHealthDetail>, NotFound<ErrorView>, BadRequest<ErrorView>, ForbidHttpResult>> GetDeviceAsync(
        string device,
        ClaimsPrincipal user,
        string? from,
        string? to,
        int? limit,
        FleetHealthReader reader,
        IHealthStore store,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!TryParse(from, now.AddHours(-24), out var fromTime) || !TryParse(to, now.AddMinutes(1), out var toTime))
        {
            return TypedResults.BadRequest(new ErrorView("from and to must be ISO 8601 times"));
        }

        var health = await reader.ReadAsync(device, cancellationToken);
        if (health is null)
        {
            return TypedResults.NotFound(new ErrorView($"device '{device}' is unknown"));
        }

        if (!CentreScope.MaySee(user, health.Centre))
        {
            return TypedResults.Forbid();
        }

        var history = await store.HistoryAsync(device, fromTime, toTime, Math.Clamp(limit ?? 2000, 1, 20_000), cancellationToken);
        return TypedResults.Ok(new DeviceHealthDetail(
            DeviceHealthView.From(health),
            health.Latest?.Report,
            history.Select(s => new HealthPoint(s.ReceivedAt, s.Report)).ToList()));
    }

    private static bool TryParse(string? text, DateTimeOffset fallback, out DateTimeOffset time)
    {
        time = fallback;
        return string.IsNullOrEmpty(text)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }
}
