using System.Buffers;
using Edge.Fleet.Ingest;
using Edge.Wire;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Fleet.Broker.External;

/// <summary>
/// Keeps this fleet node connected to an external broker as an MQTT 5 client and feeds what devices publish to
/// <see cref="DeviceMessageRouter"/>, the same path the embedded broker uses.
/// Events, counters' call requests and lower fleets' forwarded events come through shared subscriptions
/// (<c>$share/{group}/edge/v1/+/events</c>, <c>$share/{group}/edge/v1/+/queue/call</c>,
/// <c>$share/{group}/fleets/+/events</c>): the broker hands each batch, and each call, to one node of the group. Statuses and heartbeats come through ordinary subscriptions, so that every node knows
/// every device's presence and health (and gets the retained statuses, which MQTT 5 never sends to shared
/// subscriptions); heartbeats at QoS 0, as the next one replaces a lost one.
/// A batch's PUBACK is sent only after ingest is done with it (stored durably, or refused): automatic
/// acknowledgement is off, and the broker counts the batch as delivered only then.
/// MQTTnet 5 has no managed client: the loop checks the connection with <c>TryPingAsync</c> and connects again
/// with exponential backoff and full jitter (never from the Disconnected event, which can deadlock).
/// </summary>
public sealed class ExternalBrokerConnection(
    IMqttClient client,
    DeviceMessageRouter router,
    IBrokerLoginSetup loginSetup,
    IOptions<BrokerOptions> options,
    ILogger<ExternalBrokerConnection> logger) : BackgroundService
{
    private static readonly TimeSpan HealthyRecheck = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Statuses, reports and requests handled at once. Each may take one of the store's connections (presence,
    /// configuration, pending commands); after a reconnect storm every node gets every device's will and online
    /// status together, and handled all at once they emptied PostgreSQL's connection pool ("too many clients"), so
    /// the store probe and the group commit could not get a connection either. Event batches are not held here: they
    /// wait in the group commit, which uses one connection for all of them.
    /// </summary>
    private const int ConcurrentReports = 16;

    /// <summary>Socket buffers of the node's connection to the broker (the kernel caps them at net.core.rmem_max/wmem_max).</summary>
    private const int FanInSocketBuffer = 4 * 1024 * 1024;

    private readonly SemaphoreSlim _reports = new(ConcurrentReports);

    private readonly ExternalBrokerOptions _options = options.Value.External;

    /// <summary>Lower fleets' events (fleet/Federation), shared like devices' events: each batch goes to one node.</summary>
    private string LowerFleetsEvents => Topics.Shared(_options.SharedGroup, FleetTopicRules.Uplink(FleetTopicRules.AnyFleet));
    private CancellationToken _stopping;

    /// <summary>Client id this node connects with.</summary>
    public string ClientId => _options.NodeClientId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = HealthyRecheck;
                try
                {
                    if (!await client.TryPingAsync(stoppingToken))
                    {
                        await ConnectAsync(stoppingToken);
                        failures = 0;
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    wait = Backoff(failures++);
                    logger.LogWarning("Broker {Host}:{Port} not reachable ({Error}); next try in {Wait:F1} s",
                        _options.Host, _options.Port, ex.Message, wait.TotalSeconds);
                }

                await Task.Delay(wait, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            client.ApplicationMessageReceivedAsync -= OnMessageAsync;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (client.IsConnected)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(3));
            try
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), deadline.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
            {
                logger.LogDebug("Disconnect from the broker was not clean: {Error}", ex.Message);
            }
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        // With dynamic security the node's own login is the fleet's to create: it must exist before we log in.
        await loginSetup.EnsureFleetLoginAsync(cancellationToken);

        // A clean session: a batch in flight to a node that dies is not kept for it by the broker; the device
        // sends it again when no ack comes, and another node of the group takes it (see README.md).
        var connect = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithClientId(ClientId)
            .WithCredentials(_options.Username, _options.Password)
            .WithCleanStart(true)
            .WithReceiveMaximum((ushort)_options.ReceiveMaximum)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();

        // MQTTnet sets SO_RCVBUF/SO_SNDBUF to BufferSize (8 KiB by default) before connecting, which caps the TCP
        // window at ~6 KiB without window scaling. Every device's batch reaches the node through this one connection:
        // in a reconnect storm the broker sat window-limited with megabytes queued for its subscriber (~50 KB/s).
        ((MqttClientTcpOptions)connect.ChannelOptions).BufferSize = FanInSocketBuffer;
        var connected = await client.ConnectAsync(connect, cancellationToken);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            // MQTTnet 5 reports a refused CONNECT (bad credentials, not authorised) as a result, not an exception.
            throw new InvalidOperationException($"the broker refused the connection: {connected.ResultCode} {connected.ReasonString}");
        }

        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.Shared(_options.SharedGroup, Topics.AllEvents), MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.Shared(_options.SharedGroup, QueueTopics.AllCalls), MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.AllStatus, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.AllHealth, MqttQualityOfServiceLevel.AtMostOnce)
            .WithTopicFilter(Topics.AllConfigReported, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.AllCommandResults, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(LowerFleetsEvents, MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await client.SubscribeAsync(subscribe, cancellationToken);
        var refused = result.Items.Where(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2).ToList();
        if (refused.RemoveAll(i => i.TopicFilter.Topic == LowerFleetsEvents) > 0)
        {
            // A broker set up before federation (its ACL without fleets/): devices are served, lower fleets are not.
            logger.LogWarning("The broker refused {Filter}: lower fleets cannot forward to this fleet until its ACL grants it (README.md)", LowerFleetsEvents);
        }

        if (refused.Count > 0)
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken);
            throw new InvalidOperationException("the broker refused the subscriptions "
                + string.Join(", ", refused.Select(i => $"{i.TopicFilter.Topic} ({i.ResultCode})")));
        }

        logger.LogInformation("Connected to broker {Host}:{Port} as {ClientId}, consuming events in shared group {Group}",
            _options.Host, _options.Port, ClientId, _options.SharedGroup);
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        // MQTTnet hands messages over one at a time: hand each to ingest and return, so that many batches can
        // wait in one group commit; the PUBACK follows when ingest is done with the batch.
        // A status is acknowledged at once instead: it is retained (a node that loses it gets the current one again
        // when it reconnects) and every node receives it, so it need not hold one of the Receive Maximum slots that
        // event batches wait for; after a storm thousands of wills and "online"s would otherwise stand before them.
        var topic = e.ApplicationMessage.Topic;
        var kind = Topics.TryParse(topic, out var address) ? address.Kind : (TopicKind?)null;
        e.AutoAcknowledge = kind == TopicKind.Status;
        var payload = new ReadOnlySequence<byte>(e.ApplicationMessage.Payload.ToArray());
        _ = RouteThenAcknowledgeAsync(e, topic, payload, bounded: kind != TopicKind.Events);
        return Task.CompletedTask;
    }

    private async Task RouteThenAcknowledgeAsync(MqttApplicationMessageReceivedEventArgs e, string topic, ReadOnlySequence<byte> payload, bool bounded)
    {
        IngestResult? result;
        try
        {
            if (bounded)
            {
                await _reports.WaitAsync(_stopping);
            }

            try
            {
                result = await router.RouteAsync(clientId: null, topic, payload, _stopping);
            }
            finally
            {
                if (bounded)
                {
                    _reports.Release();
                }
            }
        }
        catch (Exception ex)
        {
            if (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Handling a message on {Topic} failed", topic);
            }

            result = IngestResult.NotStored;
        }

        if (e.AutoAcknowledge)
        {
            return;
        }

        if (result is { } outcome && outcome != IngestResult.Stored)
        {
            // Not kept for redelivery either way (a PUBACK ends the broker's duty, and an unacknowledged message
            // would hold one of this connection's in-flight slots for good): the device resends what was not stored.
            e.ReasonCode = outcome == IngestResult.NotStored
                ? MqttApplicationMessageReceivedReasonCode.ImplementationSpecificError
                : MqttApplicationMessageReceivedReasonCode.PayloadFormatInvalid;
            e.ResponseReasonString = outcome.CounterName();
        }

        try
        {
            await e.AcknowledgeAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The connection dropped meanwhile; the broker no longer expects this PUBACK.
            logger.LogDebug("PUBACK on {Topic} not sent: {Error}", topic, ex.Message);
        }
    }

    private static TimeSpan Backoff(int failures)
    {
        var capMs = Math.Min(MaxBackoff.TotalMilliseconds, MinBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 20)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * capMs);
    }
}
