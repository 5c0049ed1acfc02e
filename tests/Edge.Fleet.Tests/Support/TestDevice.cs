using System.Text;
using System.Text.Json;
using Edge.Testing;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Fleet.Tests.Support;

/// <summary>
/// A device as the fleet sees it: a real MQTTnet client (MQTT 5) on loopback that publishes wire-v1 messages and
/// records the acks the fleet sends it. Against a fleet it connects with the credentials provisioning gave it
/// (<see cref="FleetStart.ProvisionAndConnectAsync"/>).
/// </summary>
public sealed class TestDevice : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly Lock _lock = new();
    private readonly List<long> _acks = [];
    private readonly List<string> _topics = [];
    private bool _subscribedToAcks;

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

    /// <summary>
    /// Connects without credentials, under a client id of its own: only a broker that lets anyone in accepts it (a fleet
    /// with <c>Security:DeviceAuth=open</c>, or a bare Mosquitto).
    /// </summary>
    public static Task<TestDevice> ConnectAsync(int port, string deviceId, bool subscribeToAcks = true) =>
        ConnectAsync(port, deviceId, secret: null, subscribeToAcks);

    /// <summary>
    /// Connects as a provisioned device does: client id = user name = its device id, its secret as the password, so a
    /// fleet that requires device authentication (its default) lets it in and holds it to its own topics.
    /// </summary>
    public static Task<TestDevice> ConnectAsync(int port, DeviceCredentials credentials, bool subscribeToAcks = true) =>
        ConnectAsync(port, credentials.DeviceId, credentials.Secret, subscribeToAcks);

    private static async Task<TestDevice> ConnectAsync(int port, string deviceId, string? secret, bool subscribeToAcks)
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
            .WithTimeout(TimeSpan.FromSeconds(10));
        builder = secret is null
            ? builder.WithClientId($"{deviceId}-{Guid.NewGuid():N}")
            : builder.WithClientId(deviceId).WithCredentials(deviceId, secret);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var connected = await client.ConnectAsync(builder.Build(), timeout.Token);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            client.Dispose();
            throw new InvalidOperationException($"{deviceId} was refused by the broker: {connected.ResultCode} {connected.ReasonString}");
        }

        if (subscribeToAcks)
        {
            device._subscribedToAcks = true;
            await client.SubscribeAsync(Topics.Ack(deviceId), MqttQualityOfServiceLevel.AtLeastOnce, timeout.Token);
        }

        return device;
    }

    public async Task SubscribeAsync(string filter)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _client.SubscribeAsync(filter, MqttQualityOfServiceLevel.AtLeastOnce, timeout.Token);
    }

    /// <summary>
    /// Publishes a batch and, once the broker took it, waits (20 s at most) for the fleet's next ack, which follows the
    /// batch's durable commit: the embedded broker acknowledges a batch before its commit when the commit is slow
    /// (IngestHandOff.WhenQueued), so a test that reads the fleet's state next would race the commit.
    /// </summary>
    public async Task<MqttClientPublishResult> PublishEventsAsync(params DeviceEvent[] events)
    {
        var acksBefore = Acks.Count;
        var result = await PublishRawAsync(JsonSerializer.SerializeToUtf8Bytes(new EventBatch(DeviceId, events), WireJson.Default.EventBatch));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (result.IsSuccess && _subscribedToAcks && Acks.Count == acksBefore && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        return result;
    }

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
