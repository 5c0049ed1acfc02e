using System.Diagnostics.Metrics;

namespace Edge.Fleet.Store;

/// <summary>
/// The store's meter (<c>Edge.Fleet.Store</c>): event store latency per operation (<c>edge_store_seconds</c>, recorded by
/// <see cref="TimedEventStore"/>) and each store file's state from <see cref="StoreOutages"/> (up, outages, refused calls).
/// Made with the timed event store, which ingest needs from the start; the spine needs nothing from fleet/Metrics,
/// whose exporter listens to every <c>Edge.Fleet.*</c> meter.
/// </summary>
public sealed class StoreMetrics
{
    public const string MeterName = "Edge.Fleet.Store";

    /// <summary>Bucket bounds of <c>edge_store_seconds</c>, 0.5 ms to 10 s (as before meters).</summary>
    public static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly KeyValuePair<string, object?> Append = new("operation", "append");
    private static readonly KeyValuePair<string, object?> Query = new("operation", "query");

    private readonly Histogram<double> _latency;

    public StoreMetrics(IMeterFactory meters, StoreOutages outages)
    {
        var meter = meters.Create(MeterName);
        _latency = meter.CreateHistogram(
            "edge_store_seconds",
            unit: "s",
            description: "Event store operation latency: append (durable group commit) and query.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        meter.CreateObservableGauge(
            "edge_store_up",
            () => PerStore(outages, s => s.Reason is null ? 1 : 0),
            description: "1 while the store's file is open, 0 while it is down (a full disk) and being reopened.");
        meter.CreateObservableCounter(
            "edge_store_outages_total",
            () => PerStore(outages, s => s.Outages),
            description: "Times the store's engine failed and the file was given up.");
        meter.CreateObservableCounter(
            "edge_store_refused_total",
            () => PerStore(outages, s => s.Refused),
            description: "Calls answered 'store unavailable' while the store was down.");
    }

    /// <summary>An append (the durable group commit ingest waits for) took <paramref name="elapsed"/>.</summary>
    public void Appended(TimeSpan elapsed) => _latency.Record(elapsed.TotalSeconds, Append);

    /// <summary>A query (statistics, sequences) took <paramref name="elapsed"/>.</summary>
    public void Queried(TimeSpan elapsed) => _latency.Record(elapsed.TotalSeconds, Query);

    private static IEnumerable<Measurement<long>> PerStore(StoreOutages outages, Func<StoreState, long> value) =>
        outages.Snapshot().Select(s => new Measurement<long>(value(s), new KeyValuePair<string, object?>("store", s.Name)));
}

public static class StoreMetricsRegistration
{
    /// <summary>
    /// The store's meter and the event store timing: call after the event store is registered, since it wraps that
    /// registration in a <see cref="TimedEventStore"/>.
    /// </summary>
    public static IHostApplicationBuilder AddStoreMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddStoreOutages();
        builder.Services.AddSingleton<StoreMetrics>();
        var store = builder.Services.LastOrDefault(d => d.ServiceType == typeof(IEventStore))
            ?? throw new InvalidOperationException("AddStoreMetrics must come after the event store is registered.");
        builder.Services.Remove(store);
        builder.Services.AddSingleton<IEventStore>(sp => new TimedEventStore(Create(sp, store), sp.GetRequiredService<StoreMetrics>()));
        return builder;
    }

    private static IEventStore Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IEventStore)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
