using Microsoft.Extensions.Hosting.Systemd;

namespace Edge.Device.Watchdog;

/// <summary>
/// Feeds systemd's watchdog (WatchdogSec= in the unit; Type=notify). Microsoft.Extensions.Hosting.Systemd sends
/// READY=1 and STOPPING=1 but no WATCHDOG=1: this does, every half period, and only while every registered loop
/// (outbox writer, uplink) has beaten recently — a stalled loop gets the host restarted by systemd.
/// Outside systemd (no WATCHDOG_USEC, no notifier) it does nothing.
/// </summary>
public sealed class SystemdWatchdog(IServiceProvider services, LoopHeartbeats heartbeats, ILogger<SystemdWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var notifier = services.GetService<ISystemdNotifier>();
        var period = WatchdogPeriod(Environment.GetEnvironmentVariable("WATCHDOG_USEC"));
        if (notifier is null || !notifier.IsEnabled || period is null)
        {
            return;
        }

        logger.LogInformation("systemd watchdog every {Period}", period / 2);
        using var timer = new PeriodicTimer(period.Value / 2);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var stalled = heartbeats.Stalled();
            if (stalled.Count == 0)
            {
                notifier.Notify(new ServiceState("WATCHDOG=1"));
            }
            else
            {
                logger.LogError("Not feeding the watchdog: stalled loops {Loops}", string.Join(", ", stalled));
            }
        }
    }

    /// <summary>WATCHDOG_USEC in microseconds → period; null when absent or invalid.</summary>
    public static TimeSpan? WatchdogPeriod(string? usec) =>
        long.TryParse(usec, out var value) && value > 0 ? TimeSpan.FromMicroseconds(value) : null;
}
