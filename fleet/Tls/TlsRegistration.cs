using System.Security.Authentication;
using Edge.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Tls;

public static class TlsRegistration
{
    /// <summary>
    /// The fleet's certificate (<c>Tls:Certificate</c>) for the embedded broker's TLS listener and for Kestrel's HTTPS
    /// (REST, dashboard, provisioning), checked at start; with it the plaintext listeners are off unless kept
    /// (<c>Mqtt:KeepPlaintext</c>, <c>Http:KeepPlaintext</c>, each then on its <c>PlaintextBindAddress</c>, 127.0.0.1
    /// by default). Must come before anything reads the server's addresses.
    /// </summary>
    public static WebApplicationBuilder AddFleetTls(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FleetCertificateCheck>();
        services.AddCheckedOptions<FleetTlsOptions>(FleetTlsOptions.Section).CheckWith<FleetTlsOptions, FleetCertificateCheck>((tls, check) => check.Problems(tls));
        services.AddSingleton<FleetCertificate>();

        // Kestrel takes its addresses from configuration when the host is built, so the plan is made now, from the
        // same configuration; its problems are reported at start with every other bad setting (FleetLauncher).
        var tls = builder.Configuration.GetSection(FleetTlsOptions.Section).Get<FleetTlsOptions>() ?? new FleetTlsOptions();
        var http = builder.Configuration.GetSection(FleetHttpOptions.Section).Get<FleetHttpOptions>() ?? new FleetHttpOptions();
        var configured = HttpListenPlan.ConfiguredUrls(builder.Configuration);
        var plan = tls.Enabled ? HttpListenPlan.With(configured, http) : HttpListenPlan.Without(configured);
        services.AddSingleton(plan);
        services.AddCheckedOptions<FleetHttpOptions>(FleetHttpOptions.Section).CheckWith<FleetHttpOptions, HttpListenPlan>((_, plan) => plan.Problems);
        if (tls.Enabled)
        {
            builder.WebHost.UseUrls([.. plan.Urls]);
            services.AddOptions<KestrelServerOptions>().Configure<FleetCertificate>((kestrel, certificate) =>
                kestrel.ConfigureHttpsDefaults(https =>
                {
                    https.ServerCertificate = certificate.Certificate;
                    https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
                }));
        }

        services.AddHostedService<ListenerReport>();
        return builder;
    }
}

/// <summary>Says at start which HTTP addresses were left out because TLS is on, and how to keep them.</summary>
public sealed class ListenerReport(HttpListenPlan plan, ILogger<ListenerReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (plan.TlsEnabled)
        {
            logger.LogInformation("HTTPS with the fleet's certificate (Tls:Certificate) on {Urls}", string.Join(", ", plan.Urls));
            if (plan.LeftOut.Count > 0)
            {
                logger.LogInformation("HTTP plaintext listener off: TLS is configured, {Urls} not served (Http:KeepPlaintext=true keeps it, on Http:PlaintextBindAddress)",
                    string.Join(", ", plan.LeftOut));
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
