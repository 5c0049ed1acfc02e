using Edge.Fleet.Store;
namespace Edge.Fleet.Registry;

/// <summary>
/// Writes the devices' "last seen" times that <see cref="DeviceRegistry.Seen"/> gathers, every
/// <see cref="Every"/> and once more at shutdown: one write per flush however many devices connected.
/// </summary>
public sealed class LastSeenFlusher(DeviceRegistry registry, ILogger<LastSeenFlusher> logger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await FlushAsync(CancellationToken.None);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await registry.FlushSeenAsync(cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            // The registry file is down: logged once per outage and counted by StoreOutages; kept for the next flush.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not record when devices were last seen ({Error}); kept for the next flush", ex.Message);
        }
    }
}
