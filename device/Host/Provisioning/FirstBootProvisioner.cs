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
                var response = await FleetProvisioningClient.RedeemAsync(fleet, options.ClaimCode!, stoppingToken);
                if (response.DeviceId != device.Value.Id)
                {
                    logger.LogError("The fleet issued device id {Issued} but this device runs as {Configured} (Device:Id): not using the credentials",
                        response.DeviceId, device.Value.Id);
                    return;
                }

                var path = IdentityFile.Write(device.Value.ResolvedDataDir, DeviceIdentity.From(response, fleet, DateTimeOffset.UtcNow), response.CaCertificate);
                credentials.Set(response.Secret);
                logger.LogInformation("Provisioned as {Device} (centre {Centre}, counter {Counter}); identity in {Path}",
                    response.DeviceId, response.Centre, response.Counter, path);
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
