using Edge.Fleet.Auth;

namespace Edge.Fleet.Audit;

public static class AuditRegistration
{
    /// <summary><c>GET /api/v1/audit?action=&amp;limit=</c> (administrators): newest first, at most 1000.</summary>
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/audit", async (AuditRecorder audit, string? action, int? limit, CancellationToken cancellationToken) =>
                TypedResults.Ok((await audit.ListAsync(action, Math.Clamp(limit ?? 200, 1, 1000), cancellationToken)).ToList()))
            .RequireAuthorization(FleetPolicies.Administrator);
        return app;
    }
}
