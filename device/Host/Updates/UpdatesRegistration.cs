using Edge.Device.Configuration;
using Edge.Device.Uplink;

namespace Edge.Device.Updates;

public static class UpdatesRegistration
{
    /// <summary>
    /// Host updates (device/Updates/README.md): offers on <c>edge/v1/{device}/update</c>, verified download, side-by-side
    /// install and switch, health confirmation for the launcher, reports to the fleet.
    /// </summary>
    public static HostApplicationBuilder AddHostUpdates(this HostApplicationBuilder builder)
    {
        FaultyBuild.Apply(builder);
        var services = builder.Services;
        services.AddListedOptions<UpdateOptions>(UpdateOptions.Section);
        services.AddSingleton<UpdateOffers>();
        services.AddSingleton<IDownlinkHandler>(sp => sp.GetRequiredService<UpdateOffers>());
        // Downloads and reports go to the fleet: its HTTPS is checked against the CA pinned at provisioning.
        services.AddSingleton(sp => new FleetHttpClients(sp.GetRequiredService<Provisioning.FleetCaTrust>()));
        services.AddSingleton<ReleaseDownload>();
        services.AddSingleton<UpdateReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<UpdateReporter>());
        services.AddSingleton<UpdateInstaller>();
        services.AddHostedService(sp => sp.GetRequiredService<UpdateInstaller>());
        services.AddHostedService<HealthConfirmation>();
        return builder;
    }
}
