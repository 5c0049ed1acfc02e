using Edge.Fleet.Auth;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using Npgsql;

namespace Edge.Fleet.Audit;

public static class AuditRegistration
{
    /// <summary>
    /// The audit log by <c>Store:Kind</c>: collection <c>audit</c> of the registry's file (<see cref="RegistryFile"/>,
    /// registered by <c>AddRegistryStores</c>, which runs first) or PostgreSQL's <c>audit_log</c>; and its recorder.
    /// </summary>
    public static IHostApplicationBuilder AddAuditLog(this IHostApplicationBuilder builder)
    {
        builder.AddFleetStore<IAuditStore>(
            sp => new LiteAuditStore(sp.GetRequiredService<RegistryFile>()),
            sp => new PostgresAuditStore(sp.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton<AuditRecorder>();
        return builder;
    }

    /// <summary><c>GET /api/v1/audit?action=&amp;limit=</c> (administrators): newest first, at most 1000.</summary>
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/audit", async (AuditRecorder audit, string? action, int? limit, CancellationToken cancellationToken) =>
                TypedResults.Ok((await audit.ListAsync(action, Math.Clamp(limit ?? 200, 1, 1000), cancellationToken)).ToList()))
            .RequireAuthorization(FleetPolicies.Administrator);
        return app;
    }
}
