using Edge.Device.Configuration;
using Edge.Device.Outbox;
using Edge.DeviceProtocol;
using Edge.Wire;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace Edge.Device.Uplink;

/// <summary>
/// Sends the outbox to the fleet over one MQTT connection, in seq order and in batches, as fast as the link and the
/// fleet allow. Keeps at most <see cref="UplinkOptions.MaxUnackedEvents"/> sent but unacknowledged; when the fleet's
/// ack does not come within <see cref="UplinkOptions.AckTimeout"/>, sends them again (the fleet stores each seq once).
/// </summary>
public sealed class OutboxDrainer(
    IOptions<DeviceOptions> device,
    IOptions<UplinkOptions> options,
    OutboxStore outbox,
    UplinkState state,
    ILogger<OutboxDrainer> logger)
{
    private static readonly TimeSpan IdleRecheck = TimeSpan.FromSeconds(1);
    private readonly string _deviceId = device.Value.Id;
    private readonly UplinkOptions _options = options.Value;

    /// <summary>Runs until the connection drops or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="alive">Called every turn of the loop (the watchdog's heartbeat).</param>
    public async Task RunAsync(IMqttClient client, Action alive, CancellationToken cancellationToken)
    {
        var topic = Topics.Events(_deviceId);
        var window = new SendWindow(outbox.LastAckedSeq, _options.MaxUnackedEvents, _options.AckTimeout);

        while (client.IsConnected)
        {
            cancellationToken.ThrowIfCancellationRequested();
            alive();
            if (outbox.AwaitingFleetSeq)
            {
                // A fresh outbox's seqs are provisional until the fleet's first ack (sent when we come online) says
                // what it already has: sending them now could have them taken for duplicates of a previous life.
                await outbox.Changed.WaitAsync(IdleRecheck, cancellationToken);
                continue;
            }

            var acked = outbox.LastAckedSeq;
            var sentUpTo = window.SentUpTo;
            var step = window.Next(acked);
            if (step == SendStep.Resend)
            {
                logger.LogWarning("No ack from the fleet for {Timeout}: sending seq {From}..{To} again", _options.AckTimeout, acked + 1, sentUpTo);
                state.OnResend();
                continue;
            }

            var batch = step == SendStep.Send
                ? outbox.ReadAfter(window.SentUpTo, _options.BatchMaxEvents, WireLimits.MaxEventsPayloadBytes - 1024)
                : [];
            if (batch.Count == 0)
            {
                await outbox.Changed.WaitAsync(window.Wait(IdleRecheck), cancellationToken);
                continue;
            }

            if (await PublishAsync(client, topic, batch, cancellationToken))
            {
                window.Sent(batch[^1].Seq);
                state.OnBatchSent();
            }
            else
            {
                await Task.Delay(IdleRecheck, cancellationToken);
            }
        }
    }

    private async Task<bool> PublishAsync(IMqttClient client, string topic, IReadOnlyList<PendingEvent> batch, CancellationToken cancellationToken)
    {
        var outcome = await QosOnePublisher.PublishAsync(
            client, topic, EventBatchWriter.Write(_deviceId, batch), retain: false, _options.PublishTimeout, cancellationToken);
        if (outcome.TimedOut)
        {
            logger.LogWarning("No PUBACK for events {From}..{To} within {Timeout}", batch[0].Seq, batch[^1].Seq, _options.PublishTimeout);
        }
        else if (!outcome.IsAcknowledged)
        {
            logger.LogWarning("The broker refused events {From}..{To}: {Reason}", batch[0].Seq, batch[^1].Seq, outcome.Refusal);
        }

        return outcome.IsAcknowledged;
    }
}
