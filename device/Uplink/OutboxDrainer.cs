using System.Diagnostics;
using Edge.Device.Configuration;
using Edge.Device.Outbox;
using Edge.Wire;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

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
        var sentUpTo = outbox.LastAckedSeq;
        var ackedAtLastCheck = sentUpTo;
        var sinceProgress = Stopwatch.StartNew();

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
            if (acked != ackedAtLastCheck)
            {
                ackedAtLastCheck = acked;
                sinceProgress.Restart();
            }

            sentUpTo = Math.Max(sentUpTo, acked);
            var waitingForAck = sentUpTo > acked;
            if (waitingForAck && sinceProgress.Elapsed > _options.AckTimeout)
            {
                logger.LogWarning("No ack from the fleet for {Timeout}: sending seq {From}..{To} again", _options.AckTimeout, acked + 1, sentUpTo);
                state.OnResend();
                sentUpTo = acked;
                sinceProgress.Restart();
                continue;
            }

            var batch = sentUpTo - acked < _options.MaxUnackedEvents
                ? outbox.ReadAfter(sentUpTo, _options.BatchMaxEvents, WireLimits.MaxEventsPayloadBytes - 1024)
                : [];
            if (batch.Count == 0)
            {
                await outbox.Changed.WaitAsync(waitingForAck ? _options.AckTimeout / 4 : IdleRecheck, cancellationToken);
                continue;
            }

            if (await PublishAsync(client, topic, batch, cancellationToken))
            {
                sentUpTo = batch[^1].Seq;
                if (!waitingForAck)
                {
                    sinceProgress.Restart();
                }

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
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(EventBatchWriter.Write(_deviceId, batch))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();

        // PublishAsync waits for the PUBACK but ignores the client's timeout option: give it a deadline.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.PublishTimeout);
        try
        {
            var result = await client.PublishAsync(message, deadline.Token);
            if (result.IsSuccess)
            {
                return true;
            }

            logger.LogWarning("The broker refused events {From}..{To}: {Reason} {Text}", batch[0].Seq, batch[^1].Seq, result.ReasonCode, result.ReasonString);
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("No PUBACK for events {From}..{To} within {Timeout}", batch[0].Seq, batch[^1].Seq, _options.PublishTimeout);
            return false;
        }
    }
}
