using System.Buffers;
using System.Text.Json;
using Edge.Fleet.Ingest;
using Edge.Wire;

namespace Edge.Fleet.Broker;

/// <summary>
/// What the fleet does with a message devices publish, independent of the broker it came through (the embedded
/// one, or an external one reached with shared subscriptions): events go to ingest, statuses to presence, requests
/// on a feature's own topics to that feature (<see cref="IDeviceRequestHandler"/>), reports to the features that read
/// them (<see cref="IDeviceReportConsumer"/>), devices that come online to the features that check what they missed
/// (<see cref="IDeviceOnlineConsumer"/>, many at a time). It knows no feature by name: the features that take events batches
/// subscribe to ingest (<see cref="IBatchGate"/>, <see cref="IStoredBatchSubscriber"/>).
/// </summary>
public sealed partial class DeviceMessageRouter(
    EventIngest ingest,
    IPresenceObserver presence,
    IEnumerable<IDeviceRequestHandler> requestHandlers,
    IEnumerable<IDeviceReportConsumer> reportConsumers,
    IEnumerable<IFleetTopicConsumer> fleetTopicConsumers,
    DeviceStatusLanes statusLanes,
    DeviceOnlineTurns onlineTurns,
    ILogger<DeviceMessageRouter> logger)
{
    private readonly IDeviceRequestHandler[] _requestHandlers = [.. requestHandlers];

    /// <summary>
    /// Handles one message. Returns null when the message is none of ours to consume (the broker routes it as
    /// usual), otherwise what became of the events it carried: the broker must not route those to subscribers.
    /// </summary>
    /// <param name="handOff">When an events batch counts as handled (see <see cref="IngestHandOff"/>).</param>
    public async Task<IngestResult?> RouteAsync(
        string? clientId, string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken, IngestHandOff handOff = IngestHandOff.WhenStored)
    {
        foreach (var consumer in fleetTopicConsumers)
        {
            if (consumer.Handles(topic))
            {
                return await consumer.ConsumeAsync(clientId, topic, payload, cancellationToken);
            }
        }

        foreach (var handler in _requestHandlers)
        {
            if (handler.Owns(topic))
            {
                // A request is the fleet's to consume, answered on the feature's reply topic: acknowledged as handled
                // (Success), never routed to subscribers. Other messages on its topics are routed as usual.
                return await handler.HandleAsync(topic, payload, cancellationToken) ? IngestResult.Stored : null;
            }
        }

        if (!Topics.TryParse(topic, out var address))
        {
            return null;
        }

        if (address.Kind == TopicKind.Status)
        {
            // Handled in the background, in order per device (DeviceStatusLanes): the broker is not held meanwhile.
            // The payload is copied: the broker may reuse its buffer once this returns.
            var status = new ReadOnlySequence<byte>(payload.ToArray());
            statusLanes.Enqueue(clientId ?? address.DeviceId, token => HandleStatusAsync(address, clientId, status, token));
            return null;
        }

        await ConsumeReportAsync(address, payload, cancellationToken);
        return address.Kind == TopicKind.Events ? await ingest.IngestAsync(address.DeviceId, payload, cancellationToken, handOff) : null;
    }

    /// <summary>A device's broker connection is gone (the will, if any, arrives separately as a status): applied after its statuses.</summary>
    public Task ClientDisconnectedAsync(string clientId, CancellationToken cancellationToken)
    {
        statusLanes.Enqueue(clientId, token => presence.ClientDisconnectedAsync(clientId, token));
        return Task.CompletedTask;
    }

    private async Task HandleStatusAsync(TopicAddress address, string? clientId, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        await ConsumeReportAsync(address, payload, cancellationToken);
        await ObserveStatusAsync(address.DeviceId, clientId, payload, cancellationToken);
    }

    private async Task ConsumeReportAsync(TopicAddress address, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        foreach (var consumer in reportConsumers)
        {
            if (consumer.Wants(address.Kind))
            {
                await consumer.ConsumeAsync(address, payload, cancellationToken);
            }
        }
    }

    private async Task ObserveStatusAsync(string deviceId, string? clientId, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        DeviceStatus? status;
        try
        {
            var reader = new Utf8JsonReader(payload);
            status = JsonSerializer.Deserialize(ref reader, WireJson.Default.DeviceStatus);
        }
        catch (JsonException ex)
        {
            LogUnreadableStatus(deviceId, ex.Message);
            return;
        }

        if (status?.Session is null)
        {
            // An empty retained payload clears the status; anything else without a session cannot be ordered.
            return;
        }

        // Presence takes the status in order now and stores it with the others of the moment: the lane does not wait for
        // that write, or each lane would hand it one status at a time (issue 14, the reconnect storm).
        var observed = presence.ObserveAsync(deviceId, status, clientId, cancellationToken);
        if (status.Online)
        {
            // What was stored while the device was away, or the ack it missed, frees its outbox now.
            ingest.ResendAck(deviceId);
            onlineTurns.Add(deviceId, status);
        }

        _ = LogIfOnlineAsync(observed, deviceId, status.Session);
    }

    private async Task LogIfOnlineAsync(Task<bool> observed, string deviceId, string session)
    {
        try
        {
            if (await observed)
            {
                LogOnline(deviceId, session);
            }
        }
        catch (OperationCanceledException)
        {
            // The node is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored unreadable status of {Device}: {Error}")]
    private partial void LogUnreadableStatus(string device, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Device} online (session {Session})")]
    private partial void LogOnline(string device, string session);
}
