namespace Edge.Fleet.Ingest;

public static class IngestRegistration
{
    /// <summary>
    /// Ingest: validation, group commit, acks. Register before the broker: hosted services stop in reverse order,
    /// so the broker stops taking batches before the writer stops storing them.
    /// </summary>
    public static IHostApplicationBuilder AddIngest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IngestCounters>();
        builder.Services.AddSingleton<GroupCommitWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GroupCommitWriter>());
        builder.Services.AddSingleton<EventIngest>();
        return builder;
    }

    /// <summary><c>GET /api/v1/ingest/counters</c>.</summary>
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/ingest/counters", (IngestCounters counters) => TypedResults.Ok(counters.Snapshot()));
        return app;
    }
}
