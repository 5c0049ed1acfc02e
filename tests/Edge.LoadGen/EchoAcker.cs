using System.Text.Json;
using System.Threading.Channels;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.LoadGen;

/// <summary>
/// The fleet's part without the fleet, for a baseline on a bare broker: one MQTT subscriber to every device's
/// events that stores nothing and answers each batch with the ack the fleet would send (retained, QoS 1,
/// highest contiguous seq seen), coalesced per device as the fleet's group commit does. What the devices then
/// measure is the broker routing the same QoS 1 load both ways, without persistence.
/// </summary>
public sealed class EchoAcker : IAsyncDisposable
{
    private const int AcksInFlight = 500;

    /// <summary>The socket buffers of the one connection every batch comes in through (the kernel caps it at net.core.rmem_max).</summary>
    private const int FanInSocketBuffer = 4 * 1024 * 1024;
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly Channel<(string Device, long First, long Last)> _received = Channel.CreateUnbounded<(string, long, long)>(new() { SingleReader = true });
    private readonly Dictionary<string, long> _upTo = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _pump = Task.CompletedTask;
    private Task _reconnect = Task.CompletedTask;
    private MqttClientOptions? _options;
    private long _batches;
    private int _reconnects;

    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Times the acker lost its connection and connected again (batches in flight then are resent by the devices).</summary>
    public int Reconnects => _reconnects;

    public static async Task<EchoAcker> ConnectAsync(string host, int port)
    {
        var acker = new EchoAcker();
        acker._client.ApplicationMessageReceivedAsync += acker.OnMessageAsync;
        acker._options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId($"echo-acker-{Environment.ProcessId}")
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
            .Build();

        // MQTTnet sets SO_RCVBUF to its BufferSize (8 KiB by default) before connecting, which caps the TCP window at
        // ~6 KiB without window scaling: every device's batch comes through one connection here, and in a storm
        // Mosquitto sat rwnd-limited with 3.7 MB queued for the acker (about 50 KB/s) while the devices timed out.
        ((MqttClientTcpOptions)acker._options.ChannelOptions).BufferSize = FanInSocketBuffer;
        await acker.ConnectAndSubscribeAsync(acker._stop.Token);
        acker._pump = Task.Run(acker.PumpAsync);
        acker._reconnect = Task.Run(acker.KeepConnectedAsync);
        return acker;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _received.Writer.TryComplete();
        await _pump;
        await _reconnect;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private async Task ConnectAndSubscribeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await _client.ConnectAsync(_options!, timeout.Token);
        await _client.SubscribeAsync(Topics.AllEvents, MqttQualityOfServiceLevel.AtLeastOnce, timeout.Token);
    }

    /// <summary>MQTTnet 5 has no managed client: reconnect from a loop, never from the Disconnected event.</summary>
    private async Task KeepConnectedAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), _stop.Token);
                if (!_client.IsConnected)
                {
                    await ConnectAndSubscribeAsync(_stop.Token);
                    Interlocked.Increment(ref _reconnects);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
            {
            }
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        if (!Topics.TryParse(e.ApplicationMessage.Topic, out var address) || address.Kind != TopicKind.Events)
        {
            return Task.CompletedTask;
        }

        try
        {
            var reader = new Utf8JsonReader(e.ApplicationMessage.Payload);
            var batch = JsonSerializer.Deserialize(ref reader, WireJson.Default.EventBatch);
            if (batch is { Events.Count: > 0 })
            {
                Interlocked.Increment(ref _batches);
                _received.Writer.TryWrite((address.DeviceId, batch.Events[0].Seq, batch.Events[^1].Seq));
            }
        }
        catch (JsonException)
        {
        }

        return Task.CompletedTask;
    }

    /// <summary>Takes everything received so far, advances each device's contiguous upTo, publishes one ack per device.</summary>
    private async Task PumpAsync()
    {
        using var inFlight = new SemaphoreSlim(AcksInFlight);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (await _received.Reader.WaitToReadAsync(_stop.Token))
            {
                changed.Clear();
                while (_received.Reader.TryRead(out var item))
                {
                    var upTo = _upTo.GetValueOrDefault(item.Device);
                    if (item.First <= upTo + 1 && item.Last > upTo)
                    {
                        _upTo[item.Device] = item.Last;
                        changed.Add(item.Device);
                    }
                }

                foreach (var device in changed)
                {
                    await inFlight.WaitAsync(_stop.Token);
                    _ = PublishAckAsync(device, _upTo[device], inFlight);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PublishAckAsync(string device, long upTo, SemaphoreSlim inFlight)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Ack(device))
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(new Ack(upTo), WireJson.Default.Ack))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag()
            .Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _client.PublishAsync(message, timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            // The device sends again after its ack timeout; the next batch's ack covers it.
        }
        finally
        {
            try
            {
                inFlight.Release();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
