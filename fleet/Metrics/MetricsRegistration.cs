using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace Edge.Fleet.Metrics;

public static class MetricsRegistration
{
    /// <summary>Every meter of the fleet's features is named under this prefix (<c>Edge.Fleet.Ingest</c>, <c>Edge.Fleet.Store</c>...).</summary>
    public const string MeterPrefix = "Edge.Fleet.";

    /// <summary>
    /// The exporter of the features' meters: OpenTelemetry's metrics SDK listening to every <c>Edge.Fleet.*</c> meter, served
    /// in the Prometheus text format by its ASP.NET Core exporter, set up so the families read as they did before meters
    /// (fleet/Metrics/README.md): names as the instruments give them (no unit or <c>_total</c> suffix added), no
    /// <c>otel_scope_*</c> labels, no <c>target_info</c> family, and no cached answer (each scrape reads the instruments).
    /// </summary>
    public static IHostApplicationBuilder AddMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MeterPrefix + "*")
            .AddPrometheusExporter(exporter =>
            {
                exporter.TranslationStrategy = PrometheusAspNetCoreTranslationStrategy.UnderscoreEscapingWithoutSuffixes;
                exporter.ScopeInfoEnabled = false;
                exporter.TargetInfoEnabled = false;
                exporter.ScrapeResponseCacheDurationMilliseconds = 0;
            }));
        return builder;
    }

    /// <summary>
    /// Registers a feature's meter class (a singleton owning its <c>Meter</c> and instruments) and creates it when the
    /// host starts: a class whose instruments are only observed (gauges, observable counters) is needed by no one else.
    /// </summary>
    public static IServiceCollection AddFeatureMeter<T>(this IServiceCollection services)
        where T : class
    {
        services.TryAddSingleton<T>();
        services.AddSingleton<IHostedService>(sp => new MeterActivation(sp.GetRequiredService<T>()));
        return services;
    }

    /// <summary><c>GET /metrics</c>: Prometheus text format (the fallback policy asks for a login, as for every endpoint left out of a group).</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>Holds a feature's meter class from the host's start (its instruments exist from then on).</summary>
    private sealed class MeterActivation(object meter) : IHostedService
    {
        public object Meter { get; } = meter;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
