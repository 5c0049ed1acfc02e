using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.LoadGen;

/// <summary>
/// One device speaking the real device protocol over its own MQTT connection: client id = user name = device id,
/// a retained "offline" will, "online" on every connection, a subscription to its own ack topic, and rating events
/// numbered 1, 2, 3, ... sent in batches (QoS 1) with a bounded window of unacknowledged events. Only the fleet's
/// ack frees events (never the broker's PUBACK); when the ack makes no progress for a while, everything after it is
/// sent again. The events live in memory (the device host's outbox is left out: the load is on the fleet).
/// </summary>
public sealed class SimulatedDevice : IAsyncDisposable
{
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
        var backoffFailures = 0;
        if (firstAttemptJitter)
        {
            await Pause(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * _options.ReconnectMin.TotalMilliseconds), cancellationToken);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            if (!IsConnected)
            {
                if (!await TryConnectAsync(connectGate, cancellationToken))
                {
                    var capMs = Math.Min(_options.ReconnectMax.TotalMilliseconds, _options.ReconnectMin.TotalMilliseconds * Math.Pow(2, Math.Min(backoffFailures++, 30)));
                    await Pause(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * capMs), cancellationToken);
                    continue;
                }

                backoffFailures = 0;
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
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await client.PublishAsync(Status(online: false), timeout.Token);
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
            _session = Guid.NewGuid().ToString("N");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var result = await client.ConnectAsync(ConnectOptions(), timeout.Token);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException($"{Id}: the broker refused the connection: {result.ResultCode} {result.ReasonString}");
            }

            // As the device host: the subscription and the online status have the publish deadline (15 s) of their own.
            using var announce = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            announce.CancelAfter(TimeSpan.FromSeconds(15));
            await client.SubscribeAsync(Topics.Ack(Id), MqttQualityOfServiceLevel.AtLeastOnce, announce.Token);
            await client.PublishAsync(Status(online: true), announce.Token);
            Connections++;
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // A half-made connection (connected, not subscribed or not announced) is dropped: the next attempt starts whole.
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

    private MqttClientOptions ConnectOptions()
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithClientId(Id)
            .WithCredentials(Id, _options.Passwords.GetValueOrDefault(Id) ?? _options.Password ?? "")
            .WithCleanStart(true)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(Topics.Status(Id))
            .WithWillPayload(StatusPayload(online: false))
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        if (_sourceAddress is not null && options.ChannelOptions is MqttClientTcpOptions tcp)
        {
            tcp.LocalEndpoint = new IPEndPoint(_sourceAddress, 0);
        }

        return options;
    }

    private async Task SendWhileConnectedAsync(CancellationToken cancellationToken)
    {
        var client = _client!;
        var acked = Acked;
        var sentUpTo = acked;
        var ackedAtLastCheck = acked;
        var sinceProgress = Stopwatch.StartNew();
        while (client.IsConnected && !cancellationToken.IsCancellationRequested)
        {
            acked = Acked;
            if (acked != ackedAtLastCheck)
            {
                ackedAtLastCheck = acked;
                sinceProgress.Restart();
            }

            sentUpTo = Math.Max(sentUpTo, acked);
            var waitingForAck = sentUpTo > acked;
            if (waitingForAck && sinceProgress.Elapsed > _options.AckTimeout)
            {
                Resends++;
                sentUpTo = acked;
                sinceProgress.Restart();
                continue;
            }

            var last = Math.Min(Numbered, Math.Min(sentUpTo + _options.BatchMaxEvents, acked + _options.MaxUnackedEvents));
            if (last <= sentUpTo)
            {
                await Pause(waitingForAck ? _options.AckTimeout / 4 : TimeSpan.FromSeconds(1), cancellationToken, _wake);
                continue;
            }

            if (!await TryPublishAsync(client, sentUpTo + 1, last, cancellationToken))
            {
                await Pause(TimeSpan.FromMilliseconds(200), cancellationToken);
                continue;
            }

            if (!waitingForAck)
            {
                sinceProgress.Restart();
            }

            sentUpTo = last;
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

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Events(Id))
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(new EventBatch(Id, events), WireJson.Default.EventBatch))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        lock (_inFlightLock)
        {
            _inFlight.Enqueue((last, Stopwatch.GetTimestamp()));
        }

        // PublishAsync ignores the client's timeout option: the deadline comes from a token.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            var ok = (await client.PublishAsync(message, deadline.Token)).IsSuccess;
            BatchesSent += ok ? 1 : 0;
            return ok;
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            return false;
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        if (e.ApplicationMessage.Topic != Topics.Ack(Id))
        {
            return Task.CompletedTask;
        }

        Ack? ack;
        try
        {
            var reader = new Utf8JsonReader(e.ApplicationMessage.Payload);
            ack = JsonSerializer.Deserialize(ref reader, WireJson.Default.Ack);
        }
        catch (JsonException)
        {
            return Task.CompletedTask;
        }

        if (ack is null)
        {
            return Task.CompletedTask;
        }

        long seen;
        while (ack.UpTo > (seen = Interlocked.Read(ref _acked)) && Interlocked.CompareExchange(ref _acked, ack.UpTo, seen) != seen)
        {
        }

        lock (_inFlightLock)
        {
            while (_inFlight.TryPeek(out var sent) && sent.LastSeq <= ack.UpTo)
            {
                _inFlight.Dequeue();
                _latencies.Add(Stopwatch.GetElapsedTime(sent.SentAt));
            }
        }

        _wake.Release();
        return Task.CompletedTask;
    }

    private MqttApplicationMessage Status(bool online) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Status(Id))
            .WithPayload(StatusPayload(online))
            .WithRetainFlag()
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();

    private byte[] StatusPayload(bool online) =>
        JsonSerializer.SerializeToUtf8Bytes(new DeviceStatus(online, _session, DateTimeOffset.UtcNow, "loadgen"), WireJson.Default.DeviceStatus);

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
