using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Edge.DeviceProtocol;
using Edge.Wire;
using MQTTnet;

namespace Edge.LoadGen;

/// <summary>
/// One device speaking the real device protocol over its own MQTT connection, through the device host's own protocol
/// client (shared/Edge.DeviceProtocol): client id = user name = device id, a retained "offline" will, "online" on
/// every connection, a subscription to its own ack topic, and rating events numbered 1, 2, 3, ... sent in batches
/// (QoS 1) through the same <see cref="SendWindow"/> as the device host's outbox drain. Only the fleet's ack frees
/// events (never the broker's PUBACK). The events live in memory (the outbox is left out: the load is on the fleet).
/// </summary>
public sealed class SimulatedDevice : IAsyncDisposable
{
    /// <summary>The device host's default <c>Uplink:PublishTimeout</c>.</summary>
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Goodbye = TimeSpan.FromSeconds(5);
    private const string HostVersion = "loadgen";
    private readonly LoadOptions _options;
    private readonly IPAddress? _sourceAddress;
    private readonly AckLatencies _latencies;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly Queue<(long LastSeq, long SentAt)> _inFlight = new();
    private readonly Lock _inFlightLock = new();
    private IMqttClient? _client;
    private long _numbered;
    private long _acked;
    private string _session = "";

    public SimulatedDevice(string id, LoadOptions options, IPAddress? sourceAddress, AckLatencies latencies)
    {
        Id = id;
        _options = options;
        _sourceAddress = sourceAddress;
        _latencies = latencies;
    }

    public string Id { get; }

    /// <summary>Highest seq this device has given an event.</summary>
    public long Numbered => Interlocked.Read(ref _numbered);

    /// <summary>Highest seq the fleet has acknowledged as durably stored.</summary>
    public long Acked => Interlocked.Read(ref _acked);

    public bool IsConnected => _client?.IsConnected == true;

    public bool IsDrained => Acked >= Numbered;

    /// <summary>Successful connections so far.</summary>
    public int Connections { get; private set; }

    public int FailedConnects { get; private set; }

    /// <summary>Times the device sent its unacknowledged events again after the ack timeout.</summary>
    public int Resends { get; private set; }

    public long BatchesSent { get; private set; }

    /// <summary>New events happened (a citizen pressed): they get the next seqs and go out when the window allows.</summary>
    public void Number(long count)
    {
        Interlocked.Add(ref _numbered, count);
        _wake.Release();
    }

    /// <summary>
    /// Connects (retrying with backoff and full jitter until <paramref name="cancellationToken"/>), then sends and
    /// reconnects whenever the connection drops, until cancelled. Leaves the last connection open.
    /// </summary>
    /// <param name="firstAttemptJitter">Wait a random 0..ReconnectMin first, as the device host does after a lost connection.</param>
    public async Task RunAsync(SemaphoreSlim? connectGate, bool firstAttemptJitter, CancellationToken cancellationToken)
    {
        var backoff = new ReconnectBackoff(_options.ReconnectMin, _options.ReconnectMax);
        if (firstAttemptJitter)
        {
            await Pause(backoff.NextDelay(), cancellationToken);
            backoff.Reset();
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            if (!IsConnected)
            {
                if (!await TryConnectAsync(connectGate, cancellationToken))
                {
                    await Pause(backoff.NextDelay(), cancellationToken);
                    continue;
                }

                backoff.Reset();
            }

            await SendWhileConnectedAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The connection drops as in a network cut: the broker publishes the will (MQTT 5 reason 0x04). A client that
    /// cannot say so in time is closed without a word, which makes the broker publish the will as well.
    /// </summary>
    public async Task DropAsync()
    {
        if (_client is not { IsConnected: true } client)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await client.DisconnectAsync(
                new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.DisconnectWithWillMessage).Build(),
                timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
        }

        if (client.IsConnected)
        {
            client.Dispose();
            _client = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is { } client)
        {
            if (client.IsConnected)
            {
                // A clean disconnect does not fire the will: announce offline first, as the device host does.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await QosOnePublisher.TryPublishAsync(client, Topics.Status(Id), StatusPayload.Write(false, _session, HostVersion), retain: true, Goodbye, timeout.Token);
                try
                {
                    await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
                {
                }
            }

            client.Dispose();
        }

        _wake.Dispose();
    }

    private async Task<bool> TryConnectAsync(SemaphoreSlim? gate, CancellationToken cancellationToken)
    {
        if (gate is not null)
        {
            try
            {
                await gate.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        try
        {
            _client?.Dispose();
            var client = new MqttClientFactory().CreateMqttClient();
            client.ApplicationMessageReceivedAsync += OnMessageAsync;
            _client = client;
            _session = StatusPayload.NewSession();
            var endpoint = new DeviceEndpoint(_options.Host, _options.Port, Id, Id, _options.Passwords.GetValueOrDefault(Id) ?? _options.Password ?? "", _options.KeepAlive)
            {
                LocalAddress = _sourceAddress,
            };
            await DeviceConnector.ConnectAsync(client, endpoint.ClientOptions(StatusPayload.Write(false, _session, HostVersion)), cancellationToken);

            // As the device host: subscribe to the ack, then announce online (the fleet's ack of what it has follows).
            using var announce = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            announce.CancelAfter(PublishTimeout);
            await DeviceConnector.SubscribeAsync(client, [Topics.Ack(Id)], announce.Token);
            await QosOnePublisher.TryPublishAsync(client, Topics.Status(Id), StatusPayload.Write(true, _session, HostVersion), retain: true, PublishTimeout, announce.Token);
            Connections++;
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // A half-made connection (connected, not subscribed) is dropped: the next attempt starts whole.
            FailedConnects++;
            _client?.Dispose();
            _client = null;
            return false;
        }
        finally
        {
            gate?.Release();
        }
    }

    private async Task SendWhileConnectedAsync(CancellationToken cancellationToken)
    {
        var client = _client!;
        var window = new SendWindow(Acked, _options.MaxUnackedEvents, _options.AckTimeout);
        while (client.IsConnected && !cancellationToken.IsCancellationRequested)
        {
            var step = window.Next(Acked);
            if (step == SendStep.Resend)
            {
                Resends++;
                continue;
            }

            var last = step == SendStep.Send ? Math.Min(Numbered, window.SentUpTo + _options.BatchMaxEvents) : window.SentUpTo;
            if (last <= window.SentUpTo)
            {
                await Pause(window.Wait(TimeSpan.FromSeconds(1)), cancellationToken, _wake);
                continue;
            }

            if (!await TryPublishAsync(client, window.SentUpTo + 1, last, cancellationToken))
            {
                await Pause(TimeSpan.FromMilliseconds(200), cancellationToken);
                continue;
            }

            window.Sent(last);
        }
    }

    private async Task<bool> TryPublishAsync(IMqttClient client, long first, long last, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var events = new DeviceEvent[last - first + 1];
        for (var seq = first; seq <= last; seq++)
        {
            events[seq - first] = new DeviceEvent
            {
                Seq = seq,
                Kind = EventKinds.Rating,
                At = now,
                Counter = Id,
                Level = 1 + (int)(seq % RatingScale.Default),
                Scale = RatingScale.Default,
            };
        }

        lock (_inFlightLock)
        {
            _inFlight.Enqueue((last, Stopwatch.GetTimestamp()));
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(new EventBatch(Id, events), WireJson.Default.EventBatch);
        var ok = await QosOnePublisher.TryPublishAsync(client, Topics.Events(Id), payload, retain: false, PublishTimeout, cancellationToken);
        BatchesSent += ok ? 1 : 0;
        return ok;
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        if (e.ApplicationMessage.Topic != Topics.Ack(Id) || !AckPayload.TryRead(e.ApplicationMessage.Payload, out var upTo, out _))
        {
            return Task.CompletedTask;
        }

        long seen;
        while (upTo > (seen = Interlocked.Read(ref _acked)) && Interlocked.CompareExchange(ref _acked, upTo, seen) != seen)
        {
        }

        lock (_inFlightLock)
        {
            while (_inFlight.TryPeek(out var sent) && sent.LastSeq <= upTo)
            {
                _inFlight.Dequeue();
                _latencies.Add(Stopwatch.GetElapsedTime(sent.SentAt));
            }
        }

        _wake.Release();
        return Task.CompletedTask;
    }

    private static async Task Pause(TimeSpan delay, CancellationToken cancellationToken, SemaphoreSlim? wake = null)
    {
        try
        {
            if (wake is null)
            {
                await Task.Delay(delay, cancellationToken);
            }
            else
            {
                await wake.WaitAsync(delay, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
