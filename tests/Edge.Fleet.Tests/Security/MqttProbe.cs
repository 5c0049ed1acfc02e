using System.Text;
using System.Text.Json;
using Edge.Testing;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace Edge.Fleet.Tests.Security;

/// <summary>A real MQTTnet client (MQTT 5) that presents whatever credentials a test gives it, as an attacker would.</summary>
public sealed class MqttProbe : IAsyncDisposable
{
    private readonly object _lock = new();
    private long _ownAck = -1;
    private bool _subscribedToOwnAck;

    private MqttProbe(IMqttClient client)
    {
        Client = client;
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (client.Options?.ClientId is { } own && e.ApplicationMessage.Topic == Topics.Ack(own)
                && JsonSerializer.Deserialize(Encoding.UTF8.GetString(e.ApplicationMessage.Payload), WireJson.Default.Ack) is { } ack)
            {
                lock (_lock)
                {
                    _ownAck = Math.Max(_ownAck, ack.UpTo);
                }
            }

            return Task.CompletedTask;
        };
    }

    public IMqttClient Client { get; }

    public bool IsConnected => Client.IsConnected;

    /// <summary>Connects; returns the probe and the broker's answer (a refusal is a result here, not an exception).</summary>
    public static async Task<(MqttProbe Probe, MqttClientConnectResultCode Result)> ConnectAsync(int port, string clientId, string? user, string? password)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            .WithCredentials(user, password)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            var result = await client.ConnectAsync(options, timeout.Token);
            return (new MqttProbe(client), result.ResultCode);
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException)
        {
            // MQTTnet 5 reports a refused CONNECT as a result; this is a failure without a reason code.
            return (new MqttProbe(client), MqttClientConnectResultCode.UnspecifiedError);
        }
    }

    public static async Task<MqttProbe> ConnectAsDeviceAsync(int port, string deviceId, string secret)
    {
        var (probe, result) = await ConnectAsync(port, deviceId, deviceId, secret);
        Assert.Equal(MqttClientConnectResultCode.Success, result);
        return probe;
    }

    public async Task<MqttClientPublishReasonCode> PublishAsync(string topic, byte[] payload)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return (await Client.PublishAsync(message, timeout.Token)).ReasonCode;
    }

    /// <summary>
    /// Publishes ratings <paramref name="first"/>..<paramref name="last"/>. On the probe's own topic a taken batch is
    /// also waited for until the fleet acks it: the embedded broker's PUBACK may come before the durable commit (a
    /// slow commit hands the batch off, fleet/Ingest/IngestHandOff.cs), and only the fleet's ack says it is stored.
    /// </summary>
    public async Task<MqttClientPublishReasonCode> PublishRatingsAsync(string topicDevice, string batchDevice, long first, long last, string counter)
    {
        var own = topicDevice == Client.Options?.ClientId && batchDevice == topicDevice;
        if (own && !_subscribedToOwnAck)
        {
            _subscribedToOwnAck = await SubscribeAsync(Topics.Ack(topicDevice)) == MqttClientSubscribeResultCode.GrantedQoS1;
        }

        var result = await PublishAsync(Topics.Events(topicDevice), JsonSerializer.SerializeToUtf8Bytes(
            new EventBatch(batchDevice, Support.Events.Ratings(first, last, counter)), WireJson.Default.EventBatch));
        if (result == MqttClientPublishReasonCode.Success && own && _subscribedToOwnAck)
        {
            await Eventually.TrueAsync(() => Task.FromResult(OwnAck >= last), TimeSpan.FromSeconds(20), $"the fleet's ack of {last} for {topicDevice}");
        }

        return result;
    }

    private long OwnAck
    {
        get
        {
            lock (_lock)
            {
                return _ownAck;
            }
        }
    }

    public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string filter)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await Client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build(), timeout.Token);
        return result.Items.Single().ResultCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await Client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or MqttCommunicationException)
        {
        }

        Client.Dispose();
    }
}
