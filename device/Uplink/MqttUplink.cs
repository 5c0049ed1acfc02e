using Edge.Device.Configuration;
using Edge.DeviceProtocol;
using Edge.Wire;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace Edge.Device.Uplink;

/// <summary>
/// Keeps one MQTT connection to the fleet's broker: connects (backoff with full jitter between attempts),
/// leaves a retained "offline" will, announces "online", subscribes to the topic of every <see cref="IDownlinkHandler"/>
/// (the fleet's acks included: <see cref="AckTracker"/>) and drains the outbox. It knows no feature by name.
/// MQTTnet 5 has no managed client and never resends QoS 1 messages after a reconnect: the outbox is what makes
/// delivery at-least-once, so each connection starts draining again from the last acknowledged seq.
/// </summary>
public sealed class MqttUplink(
    IOptions<DeviceOptions> device,
    IOptions<UplinkOptions> options,
    OutboxDrainer drainer,
    UplinkState state,
    UplinkCredentials credentials,
    ILoopLiveness heartbeats,
    IEnumerable<IDownlinkHandler> downlinks,
    UplinkStatusFacts facts,
    ILogger<MqttUplink> logger) : BackgroundService, IUplinkPublisher
{
    /// <summary>Name of the uplink loop for the watchdog.</summary>
    public const string LoopName = "uplink";

    private readonly string _deviceId = device.Value.Id;
    private readonly UplinkOptions _options = options.Value;
    private readonly IDownlinkHandler[] _downlinks = downlinks.ToArray();
    private IMqttClient? _client;

    public async Task<bool> TryPublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        var client = _client;
        if (client is null || !client.IsConnected)
        {
            return false;
        }

        return await QosOnePublisher.TryPublishAsync(client, topic, payload, retain, _options.PublishTimeout, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = new ReconnectBackoff(_options.ReconnectMin, _options.ReconnectMax);
        heartbeats.Register(LoopName, _options.ReconnectMax + _options.PublishTimeout + TimeSpan.FromSeconds(30));
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client = client;
        await WaitForCredentialsAsync(stoppingToken);

        while (!stoppingToken.IsCancellationRequested)
        {
            heartbeats.Beat(LoopName);
            try
            {
                var session = state.NewSession();
                await DeviceConnector.ConnectAsync(client, BuildOptions(session), stoppingToken);
                state.OnConnected();
                backoff.Reset();
                logger.LogInformation("Connected to {Host}:{Port} as {Device}", _options.Host, _options.Port, _deviceId);

                await DeviceConnector.SubscribeAsync(client, _downlinks.Select(d => d.Filter(_deviceId)), stoppingToken);
                await TryPublishAsync(Topics.Status(_deviceId), StatusPayload(online: true, session), retain: true, stoppingToken);
                await drainer.RunAsync(client, () => heartbeats.Beat(LoopName), stoppingToken);
                state.OnDisconnected("connection lost");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                state.OnDisconnected(ex.Message);
                logger.LogWarning("Uplink to {Host}:{Port} down: {Error}", _options.Host, _options.Port, ex.Message);
            }

            var delay = backoff.NextDelay();
            logger.LogDebug("Reconnecting in {Delay} (attempt {Attempt})", delay, backoff.Failures);
            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await SayGoodbyeAsync(client);
        _client = null;
    }

    private async Task SayGoodbyeAsync(IMqttClient client)
    {
        if (!client.IsConnected)
        {
            return;
        }

        // A clean disconnect does not fire the will: announce offline ourselves.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await TryPublishAsync(Topics.Status(_deviceId), StatusPayload(online: false, state.Session), retain: true, timeout.Token);
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            logger.LogDebug("Disconnect was not clean: {Error}", ex.Message);
        }

        state.OnDisconnected("stopped");
    }

    private MqttClientOptions BuildOptions(string session) =>
        new DeviceEndpoint(_options.Host, _options.Port, _deviceId, _options.Username ?? _deviceId, credentials.Password ?? "", _options.KeepAlive)
        {
            Tls = UplinkTls.For(_options),
            SocketBuffer = DeviceEndpoint.DrainSocketBuffer,
        }.ClientOptions(StatusPayload(online: false, session));

    /// <summary>The status, with the device's LAN address so that the fleet can tell the centre's other devices.</summary>
    private byte[] StatusPayload(bool online, string session) =>
        Edge.DeviceProtocol.StatusPayload.Write(online, session, facts.Version, facts.LanAddress);

    /// <summary>Until the device has its secret (background provisioning), beating for the watchdog meanwhile.</summary>
    private async Task WaitForCredentialsAsync(CancellationToken stoppingToken)
    {
        if (!credentials.Ready.IsCompleted)
        {
            state.OnDisconnected("waiting for provisioning (Provisioning:ClaimCode)");
        }

        while (!credentials.Ready.IsCompleted && !stoppingToken.IsCancellationRequested)
        {
            heartbeats.Beat(LoopName);
            await Task.WhenAny(credentials.Ready, Task.Delay(TimeSpan.FromSeconds(5), stoppingToken));
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        foreach (var downlink in _downlinks)
        {
            if (downlink.Accepts(e.ApplicationMessage.Topic, _deviceId))
            {
                await downlink.HandleAsync(e.ApplicationMessage.Payload, e.ApplicationMessage.Retain, CancellationToken.None);
                return;
            }
        }
    }
}

/// <summary>
/// A feature that takes messages the fleet sends the device on a topic of its own (register it as a singleton
/// <see cref="IDownlinkHandler"/>): the uplink subscribes to <see cref="Filter"/> at every connection and hands each
/// message whose topic <see cref="Accepts"/> to <see cref="HandleAsync"/>, on MQTTnet's receive path (return quickly).
/// </summary>
public interface IDownlinkHandler
{
    /// <summary>The topic filter to subscribe to, under <c>edge/v1/{deviceId}/</c>.</summary>
    string Filter(string deviceId);

    bool Accepts(string topic, string deviceId);

    Task HandleAsync(System.Buffers.ReadOnlySequence<byte> payload, bool retained, CancellationToken cancellationToken);
}

/// <summary>Publishes on the device's uplink when it is connected (heartbeats, reports).</summary>
public interface IUplinkPublisher
{
    /// <summary>False when not connected or not acknowledged by the broker in time; nothing is buffered.</summary>
    Task<bool> TryPublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken);
}
