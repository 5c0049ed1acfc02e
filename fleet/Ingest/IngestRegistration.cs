using Edge.Fleet.Store;
using Edge.Hosting;

namespace Edge.Fleet.Ingest;

public static class IngestRegistration
{
    /// <summary>
    /// Ingest: validation, group commit, acks, and 503 answers while the store cannot store. Register before the
    /// broker: hosted services stop in reverse order, so the broker stops taking batches before the writer stops storing them.
    /// Needs an <see cref="IDeviceDirectory"/> (the registry's, registered with it).
    /// </summary>
    public static IHostApplicationBuilder AddIngest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<IngestOptions>(IngestOptions.Section);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IngestCounts>();
        builder.Services.AddSingleton<GroupCommitWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GroupCommitWriter>());
        builder.Services.AddSingleton<EventIngest>();
        builder.Services.AddSingleton<IStartupFilter, StoreUnavailableStartupFilter>();
        // As Web's AddApiJson does (first in the chain), without naming Web: ingest is below every feature.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, StoreErrorJson.Default));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, IngestJson.Default));
        return builder;
    }

    /// <summary><c>GET /api/v1/ingest/counters</c> and <c>GET /api/v1/ingest/conflicts[?device=]</c>.</summary>
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/ingest/counters", (IngestCounts counters) => TypedResults.Ok(counters.Snapshot()));
        app.MapGet("/api/v1/ingest/conflicts", async (IEventStore store, string? device, CancellationToken cancellationToken) =>
            TypedResults.Ok(ConflictsView.Of(await store.ListConflictsAsync(device, cancellationToken))));
        return app;
    }
}

/// <summary>
/// Conflicting duplicates as served: the count per device (what an alert rule reads) and the latest
/// <see cref="MaxListed"/> conflicts themselves (device, seq, fingerprints of the stored and the refused content).
/// </summary>
public sealed record ConflictsView(long Total, Dictionary<string, long> ByDevice, IReadOnlyList<EventConflict> Latest)
{
    public const int MaxListed = 500;

    public static ConflictsView Of(IReadOnlyList<EventConflict> conflicts) => new(
        conflicts.Count,
        conflicts.GroupBy(c => c.DeviceId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.LongCount()),
        conflicts.TakeLast(MaxListed).ToList());
}
