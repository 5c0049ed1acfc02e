using Edge.Device.Configuration;
using Edge.Device.Uplink;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Console;

namespace Edge.Device.Updates;

public static class UpdatesRegistration
{
    /// <summary>
    /// Host updates (device/Updates/README.md): offers on <c>edge/v1/{device}/update</c>, verified download, side-by-side
    /// install and switch, health confirmation for the launcher, reports to the fleet.
    /// </summary>
    public static WebApplicationBuilder AddHostUpdates(this WebApplicationBuilder builder)
    {
        FaultyBuild.Apply(builder);
        var services = builder.Services;
        services.AddCheckedOptions<UpdateOptions>(UpdateOptions.Section);
        services.AddSingleton<UpdateOffers>();
        services.AddSingleton<IDownlinkHandler>(sp => sp.GetRequiredService<UpdateOffers>());
        services.AddHttpClient<ReleaseDownload>(http => http.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(nameof(UpdateReporter));
        services.AddSingleton<UpdateReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<UpdateReporter>());
        services.AddSingleton<UpdateInstaller>();
        services.AddHostedService(sp => sp.GetRequiredService<UpdateInstaller>());
        services.AddHostedService<HealthConfirmation>();
        UseSystemdUnderLauncher(builder);
        return builder;
    }

    /// <summary>
    /// UseSystemd() acts only when systemd is the direct parent; under the launcher it is not. The unit then runs with
    /// <c>NotifyAccess=all</c>, and the host talks to systemd itself: READY=1, STOPPING=1 and the watchdog's WATCHDOG=1
    /// (fleet: device/Updates/README.md).
    /// </summary>
    private static void UseSystemdUnderLauncher(WebApplicationBuilder builder)
    {
        if (SystemdHelpers.IsSystemdService()
            || string.IsNullOrEmpty(Environment.GetEnvironmentVariable("EDGE_LAUNCHER_PID"))
            || string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")))
        {
            return;
        }

        builder.Logging.AddConsole(o => o.FormatterName = ConsoleFormatterNames.Systemd);
        builder.Services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
        builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();
    }
}
