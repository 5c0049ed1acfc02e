using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Console;

namespace Edge.Device.Watchdog;

/// <summary>
/// On a Pi the unit starts edge-launcher (device/Launcher), which runs the host as its child so it can roll back an
/// update by itself. Microsoft.Extensions.Hosting.Systemd switches itself on only when the parent process is systemd,
/// so a host under the launcher would never say READY=1 nor feed the watchdog. When NOTIFY_SOCKET is set (the unit has
/// NotifyAccess=all) the host registers the same notifier and lifetime itself.
/// </summary>
public static class LaunchedBySystemd
{
    public static IServiceCollection AddSystemdNotifyWhenLaunched(this IServiceCollection services)
    {
        if (!SystemdHelpers.IsSystemdService() && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")))
        {
            services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = ConsoleFormatterNames.Systemd);
            services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }

        return services;
    }
}
