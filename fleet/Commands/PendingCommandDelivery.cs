using System.Buffers;
using Edge.Fleet.Broker;
using Edge.Fleet.DeviceConfig;
using Edge.Wire;

namespace Edge.Fleet.Commands;

/// <summary>
/// When a device comes online (its <c>status</c>), sends its pending commands again, in case the broker lost the
/// retained ones. With several nodes on an external broker every node sees the status; the claim in the store lets
/// one of them send (see <see cref="CommandSender.DeliverAsync"/>).
/// </summary>
public sealed class PendingCommandDelivery(CommandSender sender, ILogger<PendingCommandDelivery> logger) : IDeviceReportConsumer
{
    public bool Wants(TopicKind kind) => kind == TopicKind.Status;

    public async Task ConsumeAsync(TopicAddress address, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        if (!ConfigReportIntake.IsOnline(payload))
        {
            return;
        }

        try
        {
            var sent = await sender.DeliverPendingAsync(address.DeviceId, cancellationToken);
            if (sent > 0)
            {
                logger.LogInformation("{Device} is back: {Count} pending commands sent again", address.DeviceId, sent);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Best effort: the retained commands are normally still on the broker, and the next leader sends them again.
            logger.LogWarning("Pending commands of {Device} not sent again: {Error}", address.DeviceId, ex.Message);
        }
    }
}
