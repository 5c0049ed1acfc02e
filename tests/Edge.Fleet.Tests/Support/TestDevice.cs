using System.Text;
using System.Text.Json;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Fleet.Tests.Support;

/// <summary>
/// A device as the fleet sees it: a real MQTTnet client (MQTT 5) on loopback that publishes wire-v1 messages and
/// records the acks the fleet sends it.
/// </summary>
public sealed class TestDevice : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly Lock _lock = new();
    private readonly List<long> _acks = [];
    private readonly List<string> _topics = [];

    private TestDevice(IMqttClient client, string deviceId)
    {
        _client = client;
        DeviceId = deviceId;
    }

    public string DeviceId { get; }

    public IReadOnlyList<long> Acks
    {
        get
        {
            lock (_lock)
            {
                return _acks.ToList();
            }
        }
    }

    /// <summary>Topics of every message this client received, in order.</summary>
    public IReadOnlyList<string> ReceivedTopics
    {
        get
        {
            lock (_lock)
            {
                return _topics.ToList();
            }
        }
    }

    /// <param name="secret">The device's secret from provisioning (a fleet that requires device authentication); null: none.</param>
    public static async Task<TestDevice> ConnectAsync(int port, string deviceId, bool subscribeToAcks = true, string? secret = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var device = new TestDevice(client, deviceId);
        client.ApplicationMessageReceivedAsync += e =>
        {
            lock (device._lock)
            {
                device._topics.Add(e.ApplicationMessage.Topic);
            }

            if (e.ApplicationMessage.Topic == Topics.Ack(deviceId))
            {
                var ack = JsonSerializer.Deserialize(Encoding.UTF8.GetString(e.ApplicationMessage.Payload), WireJson.Default.Ack)!;
                lock (device._lock)
                {
                    device._acks.Add(ack.UpTo);
                }
            }

            return Task.CompletedTask;
        };

        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            // An authenticated device connects under its own id (the broker's rule); an open fleet takes any id.
            .WithClientId(secret is null ? $"{deviceId}-{Guid.NewGuid():N}" : deviceId)
            .WithTimeout(TimeSpan.FromSeconds(10));
        var options = (secret is null ? builder : builder.WithCredentials(deviceId, secret)).Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(options, timeout.Token);
        if (subscribeToAcks)
        {
            await client.SubscribeAsync(Topics.Ack(deviceId), MqttQualityOfServiceLevel.AtLeastOnce, timeout.Token);
        }

        return device;
    }

    public async Task SubscribeAsync(string filter)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _client.SubscribeAsync(filter, MqttQualityOfServiceLevel.AtLeastOnce, timeout.Token);
    }

    public Task<MqttClientPublishResult> PublishEventsAsync(params DeviceEvent[] events) =>
        PublishRawAsync(JsonSerializer.SerializeToUtf8Bytes(new EventBatch(DeviceId, events), WireJson.Default.EventBatch));

    public Task<MqttClientPublishResult> PublishRawAsync(byte[] payload) => PublishAsync(Topics.Events(DeviceId), payload, retain: false);

    public Task<MqttClientPublishResult> PublishStatusAsync(bool online, string session) =>
        PublishAsync(
            Topics.Status(DeviceId),
            JsonSerializer.SerializeToUtf8Bytes(new DeviceStatus(online, session, DateTimeOffset.UtcNow), WireJson.Default.DeviceStatus),
            retain: true);

    /// <summary>Waits for an ack of at least <paramref name="upTo"/> and returns the highest one received.</summary>
    public async Task<long> WaitForAckAsync(long upTo, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            var acks = Acks;
            if (acks.Count > 0 && acks.Max() >= upTo)
            {
                return acks.Max();
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"{DeviceId} got no ack of {upTo} (acks: {string.Join(", ", Acks)})");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
        }

        _client.Dispose();
    }

    private async Task<MqttClientPublishResult> PublishAsync(string topic, byte[] payload, bool retain)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();

        // PublishAsync ignores the client's timeout option: the deadline has to come from a token.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await _client.PublishAsync(message, timeout.Token);
    }
}
