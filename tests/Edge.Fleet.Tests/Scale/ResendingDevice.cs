using System.Text.Json;
using Edge.Fleet.Tests.Support;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Fleet.Tests.Scale;

/// <summary>
/// A device that sends a fixed run of rating events the way the real device's outbox drainer does: batches on
/// <c>edge/v1/{device}/events</c> (QoS 1), a bounded window of unacknowledged events, and, when the fleet's ack
/// makes no progress for a while, everything after the last ack again. It knows nothing of how many fleet nodes
/// there are: only the fleet's ack (never the broker's PUBACK) frees an event.
/// </summary>
public sealed class ResendingDevice : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly int _events;
    private long _acked;

    private ResendingDevice(IMqttClient client, string deviceId, int events)
    {
        _client = client;
        DeviceId = deviceId;
        _events = events;
    }

    public string DeviceId { get; }

    /// <summary>Highest ack received from the fleet.</summary>
    public long Acked => Interlocked.Read(ref _acked);

    /// <summary>How many times the device sent its unacknowledged events again.</summary>
    public int Resends { get; private set; }

    public static async Task<ResendingDevice> ConnectAsync(int brokerPort, string deviceId, int events)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var device = new ResendingDevice(client, deviceId, events);
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == Topics.Ack(deviceId))
            {
                var ack = JsonSerializer.Deserialize(e.ApplicationMessage.Payload.FirstSpan, WireJson.Default.Ack)!;
                long seen;
                while (ack.UpTo > (seen = Interlocked.Read(ref device._acked))
                       && Interlocked.CompareExchange(ref device._acked, ack.UpTo, seen) != seen)
                {
                }
            }

            return Task.CompletedTask;
        };

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(
            new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", brokerPort).WithClientId(deviceId).WithCleanStart(true).Build(),
            timeout.Token);
        await client.SubscribeAsync(Topics.Ack(deviceId), MqttQualityOfServiceLevel.AtLeastOnce, timeout.Token);
        return device;
    }

    /// <summary>Sends seq 1..events until the fleet has acknowledged the last one, or the deadline passes.</summary>
    public async Task RunAsync(int batchSize, int window, TimeSpan ackTimeout, CancellationToken cancellationToken)
    {
        long sentUpTo = 0;
        var lastAcked = Acked;
        var sinceProgress = System.Diagnostics.Stopwatch.StartNew();
        while (Acked < _events)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var acked = Acked;
            if (acked != lastAcked)
            {
                lastAcked = acked;
                sinceProgress.Restart();
            }

            sentUpTo = Math.Max(sentUpTo, acked);
            if (sinceProgress.Elapsed > ackTimeout)
            {
                sentUpTo = acked;
                Resends++;
                sinceProgress.Restart();
            }

            if (sentUpTo < _events && sentUpTo - acked < window)
            {
                var from = sentUpTo + 1;
                var to = Math.Min(_events, sentUpTo + batchSize);
                if (await TryPublishAsync(from, to, cancellationToken))
                {
                    sentUpTo = to;
                }

                continue;
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
        }

        _client.Dispose();
    }

    private async Task<bool> TryPublishAsync(long from, long to, CancellationToken cancellationToken)
    {
        var events = Events.Ratings(from, to);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Events(DeviceId))
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(new EventBatch(DeviceId, events), WireJson.Default.EventBatch))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            return (await _client.PublishAsync(message, deadline.Token)).IsSuccess;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
