using Edge.Device.Uplink;
using Edge.Device.Watchdog;
using Microsoft.Extensions.Options;

namespace Edge.Device.Updates;

/// <summary>
/// On a version on trial (<c>state/trial.json</c> names this host's version), writes <c>state/healthy</c> once the
/// uplink is connected and every loop the watchdog vouches for is alive. The launcher alone decides what that
/// means: a build that never gets here is rolled back without its help.
/// </summary>
public sealed class HealthConfirmation(
    IOptions<UpdateOptions> options,
    UplinkState uplink,
    LoopHeartbeats loops,
    ILogger<HealthConfirmation> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.InstallRoot))
        {
            return;
        }

        var layout = new InstallLayout(options.Value.InstallRoot);
        if (StateFiles.ReadTrial(layout)?.Version != HostVersion.Current)
        {
            return;
        }

        logger.LogInformation("On trial as {Version}: confirming health once the uplink is connected and the loops are alive", HostVersion.Current);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (uplink.Connected && loops.Stalled().Count == 0)
            {
                StateFiles.WriteHealthy(layout, HostVersion.Current);
                logger.LogInformation("Health of {Version} confirmed to the launcher", HostVersion.Current);
                return;
            }
        }
    }
}
