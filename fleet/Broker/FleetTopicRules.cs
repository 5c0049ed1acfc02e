using Edge.Wire;

namespace Edge.Fleet.Broker;

/// <summary>
/// What a registry entry of role <see cref="DeviceRoles.Fleet"/> (a lower fleet forwarding upward, fleet/Federation)
/// may do: publish <c>fleets/{its id}/events</c> and subscribe to <c>fleets/{its id}/ack</c>, while active; nothing
/// under <c>edge/v1/</c>, so it can speak neither as a device nor as another fleet. A fleet node consumes every lower
/// fleet's events and publishes every lower fleet's acks. The embedded broker's ACL asks <see cref="MayPublish"/> and
/// <see cref="MaySubscribe"/>; Mosquitto's ACL file and dynamic security roles are made from <see cref="Uplink"/> and
/// <see cref="Downlink"/>.
/// </summary>
public static class FleetTopicRules
{
    /// <summary>Stands for "every lower fleet" in a filter (an MQTT single-level wildcard).</summary>
    public const string AnyFleet = "+";

    /// <summary>What the lower fleet <paramref name="fleetId"/> publishes (or, with <see cref="AnyFleet"/>, what a node consumes).</summary>
    public static string Uplink(string fleetId) => FederationTopics.Events(fleetId);

    /// <summary>What the lower fleet <paramref name="fleetId"/> subscribes to (or, with <see cref="AnyFleet"/>, what a node publishes).</summary>
    public static string Downlink(string fleetId) => FederationTopics.Ack(fleetId);

    public static bool MayPublish(string fleetId, string? status, string topic) =>
        status == DeviceStates.Active && DeviceId.IsValid(fleetId) && TopicFilter.Matches(Uplink(fleetId), topic);

    public static bool MaySubscribe(string fleetId, string? status, string filter) =>
        status == DeviceStates.Active && DeviceId.IsValid(fleetId) && TopicFilter.Covers(Downlink(fleetId), filter);
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
