using Edge.Fleet.Broker;
using Edge.Fleet.Federation.Receiving;
using Edge.Fleet.Federation.Sending;
using Edge.Fleet.Metrics;
using Edge.Fleet.Store;
using Edge.Fleet.Web;
using Edge.Hosting;
using Npgsql;

namespace Edge.Fleet.Federation;

public static class FederationRegistration
{
    /// <summary>
    /// Federation (fleet/Federation/README.md): the receiver of lower fleets' events (always on; only entries of role
    /// <c>fleet</c> can reach it) and, when <c>Federation:Upstream:Url</c> is set, the forwarder to the upper fleet.
    /// </summary>
    public static IHostApplicationBuilder AddFederation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<FederationOptions>(FederationOptions.Section);
        builder.Services.AddSingleton<FederationCounts>();
        builder.Services.AddFeatureMeter<FederationMetrics>();
        builder.Services.AddApiJson(FederationApiJson.Default);
        builder.AddFleetStore<IFederationStore>(
            sp => new LiteFederationStore(FleetOptions.FileIn(sp, FederationDataCopier.FileName), sp.GetRequiredService<TimeProvider>(), sp.GetService<StoreOutages>()),
            sp => new PostgresFederationStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ForwardedCentreRecorder>();
        builder.Services.AddDeviceDownlink(); // the receiver's acks, through the broker mode's own publisher
        builder.Services.AddSingleton<IFleetTopicConsumer, ForwardedEventReceiver>();
        if (builder.Configuration.GetSection(FederationOptions.Section).Get<FederationOptions>()?.Upstream.Enabled == true)
        {
            builder.Services.AddSingleton<UpstreamClaim>();
            builder.Services.AddHostedService<UpstreamForwarder>();
        }

        return builder;
    }
}
