using Edge.Device.Configuration;
using Edge.Device.Queue;
using Edge.Device.Uplink;
using Microsoft.Extensions.Options;

namespace Edge.Device.Provisioning;

/// <summary>
/// Provisions a device that already knows its id (<c>Device:Id</c> given) in the background, so that it records
/// presses from the first second while the fleet is still unreachable: retries with backoff until the fleet
/// answers (over a connection <see cref="FleetTrust"/> accepts; a fleet that is not the pinned one stops it), then writes identity.json and hands the secret to the uplink, which connects with it. When the enrolled
/// role (kiosk, hall) is not the one the host started in and no Device:Role was set explicitly, the host stops with
/// exit code <see cref="RestartForRole"/> so that systemd (Restart=always) starts it again in that role.
/// </summary>
public sealed class FirstBootProvisioner(
    IOptions<ProvisioningOptions> provisioning,
    FleetTrust trust,
    IOptions<DeviceOptions> device,
    IOptions<DeviceRoleOptions> role,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    UplinkCredentials credentials,
    ProvisioningState state,
    Lan.CentreKeys centreKeys,
    ILogger<FirstBootProvisioner> logger) : BackgroundService
{
    /// <summary>Exit code of a stop to take the enrolled role (EX_TEMPFAIL): systemd starts the host again.</summary>
    public const int RestartForRole = 75;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = provisioning.Value;
        var fleet = trust.Fleet;
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (identity, path) = await FleetProvisioningClient.RedeemAndStoreAsync(trust, options.ClaimCode!, device.Value.ResolvedDataDir, stoppingToken);
                if (identity.DeviceId != device.Value.Id)
                {
                    logger.LogError("The fleet issued device id {Issued} but this device runs as {Configured} (Device:Id): remove Device:Id to run as the issued id",
                        identity.DeviceId, device.Value.Id);
                    return;
                }

                credentials.Set(identity.Secret);
                centreKeys.Reload();
                logger.LogInformation("Provisioned as {Device} (centre {Centre}, counter {Counter}, role {Role}); identity in {Path}",
                    identity.DeviceId, identity.Centre, identity.Counter, identity.Role, path);
                if (state.Provisioned(identity) is { } claimFile)
                {
                    logger.LogInformation("Provisioning: {ClaimFile}", claimFile);
                }

                var explicitRole = !string.IsNullOrWhiteSpace(configuration[$"{DeviceRoleOptions.Section}:Role"]);
                if (!explicitRole && DeviceRoleOptions.IsKnown(identity.Role) && identity.Role != role.Value.Role)
                {
                    logger.LogWarning("Enrolled as {Role} but running as {Running}: stopping to restart in the enrolled role", identity.Role, role.Value.Role);
                    Environment.ExitCode = RestartForRole;
                    lifetime.StopApplication();
                }

                return;
            }
            catch (ClaimCodeRefusedException ex)
            {
                state.Set("refused", $"{ex.Message} ({ex.Reason})");
                logger.LogError("The fleet refused the claim code{From}: {Error} ({Reason})",
                    state.ClaimFile is { } file ? $" from {file.Path} (kept there)" : "", ex.Message, ex.Reason);
                return;
            }
            catch (FleetNotTrustedException ex)
            {
                // Final, like a refused code: the pin is wrong or someone is in the middle; a technician has to look.
                state.Set("not-trusted", ex.Message);
                logger.LogError("Provisioning stopped: {Error}", ex.Message);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Fleet {Fleet} not reachable for provisioning ({Error}); next try in {Delay:F1} s", fleet, ex.Message, delay.TotalSeconds);
            }

            await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 30_000));
        }
    }
}
