using System.Text.Json;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace Edge.Fleet.Tests.Security;

/// <summary>A real MQTTnet client (MQTT 5) that presents whatever credentials a test gives it, as an attacker would.</summary>
public sealed class MqttProbe : IAsyncDisposable
{
    private MqttProbe(IMqttClient client) => Client = client;

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

    public Task<MqttClientPublishReasonCode> PublishRatingsAsync(string topicDevice, string batchDevice, long first, long last, string counter) =>
        PublishAsync(Topics.Events(topicDevice), JsonSerializer.SerializeToUtf8Bytes(
            new EventBatch(batchDevice, Support.Events.Ratings(first, last, counter)), WireJson.Default.EventBatch));

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
