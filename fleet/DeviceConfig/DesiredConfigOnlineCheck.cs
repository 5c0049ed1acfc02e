using Edge.Fleet.Broker;

namespace Edge.Fleet.DeviceConfig;

/// <summary>
/// When devices come online (their <c>status</c>, many at a time: <see cref="IDeviceOnlineConsumer"/>), sends each
/// that does not run its desired configuration that configuration (<see cref="DesiredConfigPublisher.PublishToBehindAsync"/>).
/// A store that cannot be reached is logged: the status itself still counts, and the next connection checks again.
/// </summary>
public sealed class DesiredConfigOnlineCheck(DesiredConfigPublisher publisher, ILogger<DesiredConfigOnlineCheck> logger) : IDeviceOnlineConsumer
{
    public async Task DevicesOnlineAsync(IReadOnlyList<DeviceOnline> devices, CancellationToken cancellationToken)
    {
        var deviceIds = devices.Select(d => d.DeviceId).ToList();
        try
        {
            await publisher.PublishToBehindAsync(deviceIds, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Desired configuration of {Count} devices (the first {Device}) not checked: {Error}", deviceIds.Count, deviceIds[0], ex.Message);
        }
    }
}
