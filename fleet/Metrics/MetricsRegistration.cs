using Edge.Fleet.Store;

namespace Edge.Fleet.Metrics;

public static class MetricsRegistration
{
    /// <summary>
    /// The metrics and the store timing: call after the event store is registered, since it wraps that registration
    /// in a <see cref="TimedEventStore"/>. Hand-written exposition: a few counters and one histogram type do not need a package.
    /// </summary>
    public static IHostApplicationBuilder AddMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<StoreLatency>();
        builder.Services.AddSingleton<FleetMetrics>();
        var store = builder.Services.LastOrDefault(d => d.ServiceType == typeof(IEventStore))
            ?? throw new InvalidOperationException("AddMetrics must come after the event store is registered.");
        builder.Services.Remove(store);
        builder.Services.AddSingleton<IEventStore>(sp => new TimedEventStore(Create(sp, store), sp.GetRequiredService<StoreLatency>()));
        return builder;
    }

    /// <summary><c>GET /metrics</c>: Prometheus text format.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", async (FleetMetrics metrics, CancellationToken cancellationToken) =>
            TypedResults.Text(await metrics.RenderAsync(cancellationToken), "text/plain; version=0.0.4; charset=utf-8"));
        return app;
    }

    private static IEventStore Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IEventStore)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
