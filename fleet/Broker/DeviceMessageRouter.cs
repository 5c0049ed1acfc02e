using System.Buffers;
using System.Text.Json;
using Edge.Fleet.Devices;
using Edge.Fleet.Health;
using Edge.Fleet.Ingest;
using Edge.Fleet.Stats;
using Edge.Wire;

namespace Edge.Fleet.Broker;

/// <summary>
/// What the fleet does with a message devices publish, independent of the broker it came through (the embedded
/// one, or an external one reached with shared subscriptions): events go to ingest, statuses to presence, call
/// requests to the queue desk.
/// </summary>
public sealed class DeviceMessageRouter(
    EventIngest ingest,
    DevicePresence presence,
    HeartbeatIntake heartbeats,
    RatingKeyCatalog ratingKeys,
    Queue.QueueDesk queue,
    IEnumerable<IDeviceReportConsumer> reportConsumers,
    IEnumerable<IFleetTopicConsumer> fleetTopicConsumers,
    ILogger<DeviceMessageRouter> logger)
{
    /// <summary>
    /// Handles one message. Returns null when the message is none of ours to consume (the broker routes it as
    /// usual), otherwise what became of the events it carried: the broker must not route those to subscribers.
    /// </summary>
    public async Task<IngestResult?> RouteAsync(string? clientId, string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        foreach (var consumer in fleetTopicConsumers)
        {
            if (consumer.Handles(topic))
            {
                return await consumer.ConsumeAsync(clientId, topic, payload, cancellationToken);
            }
        }

        if (QueueTopics.TryParse(topic, out var queueAddress))
        {
            await queue.HandleAsync(queueAddress, payload, cancellationToken);

            // A call request is the fleet's to consume, answered on queue/called: acknowledged as handled
            // (Success), never routed to subscribers.
            return queueAddress.Kind == QueueTopicKind.Call ? IngestResult.Stored : null;
        }

        if (!Topics.TryParse(topic, out var address))
        {
            return null;
        }

        foreach (var consumer in reportConsumers)
        {
            if (consumer.Wants(address.Kind))
            {
                await consumer.ConsumeAsync(address, payload, cancellationToken);
            }
        }

        switch (address.Kind)
        {
            case TopicKind.Events:
                ratingKeys.Notice(address.DeviceId, payload);
                // The queue first: the ack, sent once ingest has stored the batch, must not free what the lists lack.
                return await queue.BeforeIngestAsync(address.DeviceId, payload, cancellationToken)
                    ? await ingest.IngestAsync(address.DeviceId, payload, cancellationToken)
                    : IngestResult.NotStored;
            case TopicKind.Status:
                await ObserveStatusAsync(address.DeviceId, clientId, payload, cancellationToken);
                return null;
            case TopicKind.Health:
                heartbeats.Receive(address.DeviceId, payload);
                return null;
            default:
                return null;
        }
    }

    /// <summary>A device's broker connection is gone (the will, if any, arrives separately as a status).</summary>
    public Task ClientDisconnectedAsync(string clientId, CancellationToken cancellationToken) =>
        presence.ClientDisconnectedAsync(clientId, cancellationToken);

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
            logger.LogWarning("Ignored unreadable status of {Device}: {Error}", deviceId, ex.Message);
            return;
        }

        if (status?.Session is null)
        {
            // An empty retained payload clears the status; anything else without a session cannot be ordered.
            return;
        }

        if (await presence.ObserveAsync(deviceId, status, clientId, cancellationToken))
        {
            logger.LogInformation("{Device} online (session {Session})", deviceId, status.Session);
        }

        if (status.Online)
        {
            // What was stored while the device was away, or the ack it missed, frees its outbox now.
            ingest.ResendAck(deviceId);
        }
    }
}
