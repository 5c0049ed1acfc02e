using Edge.Fleet.Broker;

namespace Edge.Fleet.Commands;

/// <summary>
/// When devices come online (their <c>status</c>, many at a time: <see cref="IDeviceOnlineConsumer"/>), sends their
/// pending commands again, in case the broker lost the retained ones: one read of the open commands per turn, not
/// one per device. With several nodes on an external broker every node sees the status; the claim in the store lets
/// one of them send (see <see cref="CommandSender.DeliverAsync"/>).
/// </summary>
public sealed class PendingCommandDelivery(CommandSender sender, ILogger<PendingCommandDelivery> logger) : IDeviceOnlineConsumer
{
    public async Task DevicesOnlineAsync(IReadOnlyList<DeviceOnline> devices, CancellationToken cancellationToken)
    {
        var deviceIds = devices.Select(d => d.DeviceId).ToList();
        try
        {
            var sent = await sender.DeliverPendingAsync(deviceIds, cancellationToken);
            if (sent > 0)
            {
                logger.LogInformation("{Count} devices back (the first {Device}): {Sent} pending commands sent again", deviceIds.Count, deviceIds[0], sent);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Best effort: the retained commands are normally still on the broker, and the next leader sends them again.
            logger.LogWarning("Pending commands of {Count} devices (the first {Device}) not sent again: {Error}", deviceIds.Count, deviceIds[0], ex.Message);
        }
    }
}
