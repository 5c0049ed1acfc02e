using System.Text.Json;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Fleet.Federation.Sending;

/// <summary>What became of one forwarded batch: the upper fleet's ack, or why there is none (refused, timed out).</summary>
public sealed record SendOutcome(ForwardedAck? Ack, string? Failure);

/// <summary>
/// One MQTT session with the upper fleet's broker, as the lower fleet's registry id there: publishes a batch on
/// <c>fleets/{id}/events</c> (QoS 1, MQTT 5 so a refusal's reason code arrives in the PUBACK) and waits for the
/// application ack on <c>fleets/{id}/ack</c>, which the upper fleet sends after its durable commit. One batch at a
/// time: the forwarder is the only caller and waits for each answer.
/// </summary>
public sealed class UpstreamLink : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly string _fleetId;
    private TaskCompletionSource<ForwardedAck>? _waiting;
    private string? _waitingFor;

    private UpstreamLink(IMqttClient client, string fleetId)
    {
        _client = client;
        _fleetId = fleetId;
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    public bool IsConnected => _client.IsConnected;

    /// <summary>Connects and subscribes to the ack topic; throws <see cref="UpstreamRefusedException"/> when the broker says no.</summary>
    public static async Task<UpstreamLink> ConnectAsync(UpstreamIdentity identity, string host, int port, CancellationToken cancellationToken)
    {
        var link = new UpstreamLink(new MqttClientFactory().CreateMqttClient(), identity.FleetId);
        try
        {
            var options = new MqttClientOptionsBuilder()
                .WithTcpServer(host, port)
                .WithClientId(identity.FleetId)
                .WithCredentials(identity.FleetId, identity.Secret)
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
                .WithCleanStart(true)
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
                .WithTimeout(TimeSpan.FromSeconds(10));
            if (identity.MqttTls)
            {
                options.WithTlsOptions(tls => tls.UseTls());
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(15));
            var connected = await link._client.ConnectAsync(options.Build(), deadline.Token);
            if (connected.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new UpstreamRefusedException($"connect-{connected.ResultCode}".ToLowerInvariant());
            }

            var subscribed = await link._client.SubscribeAsync(FederationTopics.Ack(identity.FleetId), MqttQualityOfServiceLevel.AtLeastOnce, deadline.Token);
            if (subscribed.Items.Any(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2))
            {
                throw new UpstreamRefusedException("subscribe-refused");
            }

            return link;
        }
        catch
        {
            await link.DisposeAsync();
            throw;
        }
    }

    /// <summary>Publishes <paramref name="batch"/> and waits up to <paramref name="ackTimeout"/> for its ack.</summary>
    public async Task<SendOutcome> SendAsync(ForwardedBatch batch, TimeSpan ackTimeout, CancellationToken cancellationToken)
    {
        var waiting = new TaskCompletionSource<ForwardedAck>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _waitingFor, batch.DeviceId);
        Volatile.Write(ref _waiting, waiting);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(FederationTopics.Events(_fleetId))
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(batch, FederationJson.Default.ForwardedBatch))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ackTimeout);
        try
        {
            // PublishAsync ignores the client's timeout option: the deadline comes from the token.
            var published = await _client.PublishAsync(message, deadline.Token);
            if (!published.IsSuccess)
            {
                return new SendOutcome(null, string.IsNullOrEmpty(published.ReasonString) ? published.ReasonCode.ToString().ToLowerInvariant() : published.ReasonString);
            }

            return new SendOutcome(await waiting.Task.WaitAsync(deadline.Token), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendOutcome(null, "ack-timeout");
        }
        finally
        {
            Volatile.Write(ref _waiting, null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.ApplicationMessageReceivedAsync -= OnMessageAsync;
        try
        {
            if (_client.IsConnected)
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _client.DisconnectAsync(new MqttClientDisconnectOptions(), deadline.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Going away anyway: the broker drops the session when the socket closes.
        }

        _client.Dispose();
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        if (e.ApplicationMessage.Topic != FederationTopics.Ack(_fleetId))
        {
            return Task.CompletedTask;
        }

        try
        {
            var reader = new Utf8JsonReader(e.ApplicationMessage.Payload);
            if (JsonSerializer.Deserialize(ref reader, FederationJson.Default.ForwardedAck) is { } ack
                && ack.DeviceId == Volatile.Read(ref _waitingFor))
            {
                Volatile.Read(ref _waiting)?.TrySetResult(ack);
            }
        }
        catch (JsonException)
        {
            // Not an ack of ours: the batch times out and is sent again.
        }

        return Task.CompletedTask;
    }
}

/// <summary>The upper fleet's broker refused the connection or the subscription (<see cref="Exception.Message"/>: the counted reason).</summary>
public sealed class UpstreamRefusedException(string reason) : Exception(reason);
