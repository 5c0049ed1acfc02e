using Edge.Fleet.Registry;
using Edge.Wire;

namespace Edge.Fleet.Broker;

/// <summary>
/// What a registry entry of role <see cref="DeviceRoles.Fleet"/> (a lower fleet forwarding upward, fleet/Federation)
/// may do on the embedded broker: publish <c>fleets/{its id}/events</c> and subscribe to <c>fleets/{its id}/ack</c>,
/// while active; nothing under <c>edge/v1/</c>, so it can speak neither as a device nor as another fleet.
/// </summary>
public static class FleetTopicRules
{
    public static bool MayPublish(string fleetId, string? status, string topic) =>
        status == DeviceStates.Active && DeviceId.IsValid(fleetId) && TopicFilter.Matches(FederationTopics.Events(fleetId), topic);

    public static bool MaySubscribe(string fleetId, string? status, string filter) =>
        status == DeviceStates.Active && DeviceId.IsValid(fleetId) && TopicFilter.Covers(FederationTopics.Ack(fleetId), filter);
}

/// <summary>
/// A feature that owns a topic tree outside the device protocol (register it as a singleton): the router hands it
/// every message it <see cref="Handles"/>, from the embedded broker, before anything else. Its answer becomes the
/// PUBACK's reason code like an events batch's; null lets the broker route the message as usual.
/// It must not throw for bad input: log, count, answer.
/// </summary>
public interface IFleetTopicConsumer
{
    bool Handles(string topic);

    Task<Ingest.IngestResult?> ConsumeAsync(string? clientId, string topic, System.Buffers.ReadOnlySequence<byte> payload, CancellationToken cancellationToken);
}
