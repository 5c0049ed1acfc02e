using Edge.Device.Configuration;
using Microsoft.Extensions.Options;

namespace Edge.Device.Provisioning;

/// <summary>
/// Provisions a device that already knows its id (<c>Device:Id</c> given) in the background, so that it records
/// presses from the first second while the fleet is still unreachable: retries with backoff until the fleet
/// answers, then writes identity.json and hands the secret to the uplink, which connects with it.
/// </summary>
public sealed class FirstBootProvisioner(
    IOptions<ProvisioningOptions> provisioning,
    IOptions<DeviceOptions> device,
    UplinkCredentials credentials,
    ILogger<FirstBootProvisioner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = provisioning.Value;
        var fleet = new Uri(options.FleetUrl!);
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (identity, path) = await FleetProvisioningClient.RedeemAndStoreAsync(fleet, options.ClaimCode!, device.Value.ResolvedDataDir, stoppingToken);
                if (identity.DeviceId != device.Value.Id)
                {
                    logger.LogError("The fleet issued device id {Issued} but this device runs as {Configured} (Device:Id): remove Device:Id to run as the issued id",
                        identity.DeviceId, device.Value.Id);
                    return;
                }

                credentials.Set(identity.Secret);
                logger.LogInformation("Provisioned as {Device} (centre {Centre}, counter {Counter}); identity in {Path}",
                    identity.DeviceId, identity.Centre, identity.Counter, path);
                return;
            }
            catch (ClaimCodeRefusedException ex)
            {
                logger.LogError("The fleet refused the claim code: {Error}", ex.Message);
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
