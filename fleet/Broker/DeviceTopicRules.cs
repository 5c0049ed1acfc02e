using Edge.Wire;

namespace Edge.Fleet.Broker;

/// <summary>Which way a topic carries messages, seen from the device.</summary>
public enum TopicDirection
{
    /// <summary>The device publishes, the fleet consumes (events, status, health, reports, results, call requests).</summary>
    Uplink,

    /// <summary>The fleet publishes, the device subscribes (acks, configuration, commands, update offers, call replies).</summary>
    Downlink,
}

/// <summary>
/// One topic of a device's: its filter under <c>edge/v1/{device}/</c> (built by the wire contract), its direction, and
/// whether a replaced device keeps it. <see cref="Filter"/> takes the device id, or <c>+</c> for every device.
/// </summary>
public sealed record DeviceTopicRule(string Name, Func<string, string> Filter, TopicDirection Direction, bool KeptWhenReplaced);

/// <summary>
/// The one definition of what a device may publish and subscribe. The embedded broker's ACL
/// (<see cref="DeviceAccessControl"/>), Mosquitto's ACL file (<see cref="External.MosquittoAccessFiles"/>) and the
/// roles of Mosquitto's dynamic security plugin (<see cref="External.DynamicSecurity.DynamicSecurityRoles"/>) are all
/// derived from <see cref="All"/>; a new topic in the wire contract is one line here.
/// An active device publishes its uplink topics and subscribes to its downlink topics. A replaced device may still hand
/// in the events it buffered (with its status and heartbeats) and hear their acks; its counter, configuration,
/// commands, updates and queue belong to the device that replaced it. A retired device may do nothing.
/// A fleet node consumes every device's uplink and publishes every device's downlink.
/// </summary>
public static class DeviceTopicRules
{
    /// <summary>Stands for "every device" in a filter (an MQTT single-level wildcard).</summary>
    public const string AnyDevice = "+";

    private const string AnyCommand = "+";

    public static IReadOnlyList<DeviceTopicRule> All { get; } =
    [
        new("events", Topics.Events, TopicDirection.Uplink, KeptWhenReplaced: true),
        new("status", Topics.Status, TopicDirection.Uplink, KeptWhenReplaced: true),
        new("health", Topics.Health, TopicDirection.Uplink, KeptWhenReplaced: true),
        new("config/reported", Topics.ConfigReported, TopicDirection.Uplink, KeptWhenReplaced: false),
        new("cmd result", d => Topics.CommandResult(d, AnyCommand), TopicDirection.Uplink, KeptWhenReplaced: false),
        new("queue/call", QueueTopics.Call, TopicDirection.Uplink, KeptWhenReplaced: false),
        new("ack", Topics.Ack, TopicDirection.Downlink, KeptWhenReplaced: true),
        new("config", Topics.Config, TopicDirection.Downlink, KeptWhenReplaced: false),
        new("cmd", Topics.Commands, TopicDirection.Downlink, KeptWhenReplaced: false),
        new("update", UpdateTopics.Offer, TopicDirection.Downlink, KeptWhenReplaced: false),
        new("queue/called", QueueTopics.Replies, TopicDirection.Downlink, KeptWhenReplaced: false),
        new("queue/board", QueueTopics.Board, TopicDirection.Downlink, KeptWhenReplaced: false),
        new("lan", LanTopics.Info, TopicDirection.Downlink, KeptWhenReplaced: false),
    ];

    /// <summary>The rules a device in <paramref name="status"/> (<see cref="DeviceStates"/>) has; none when retired or unknown.</summary>
    public static IEnumerable<DeviceTopicRule> For(string? status) => status switch
    {
        DeviceStates.Active => All,
        DeviceStates.ReplacedBy => All.Where(r => r.KeptWhenReplaced),
        _ => [],
    };

    /// <summary>The concrete filters of <paramref name="deviceId"/> in one direction, for a device in <paramref name="status"/>.</summary>
    public static IEnumerable<string> Filters(string deviceId, string? status, TopicDirection direction) =>
        For(status).Where(r => r.Direction == direction).Select(r => r.Filter(deviceId));

    /// <summary>What a fleet node subscribes to (every device's uplink) or publishes (every device's downlink).</summary>
    public static IEnumerable<string> FleetFilters(TopicDirection direction) => Filters(AnyDevice, DeviceStates.Active, direction);

    /// <summary>May <paramref name="deviceId"/> publish on <paramref name="topic"/> (a concrete topic name)?</summary>
    public static bool MayPublish(string deviceId, string? status, string topic) =>
        DeviceId.IsValid(deviceId) && Filters(deviceId, status, TopicDirection.Uplink).Any(f => TopicFilter.Matches(f, topic));

    /// <summary>
    /// May <paramref name="deviceId"/> subscribe to <paramref name="filter"/>? Only when every topic the filter can match
    /// is one of its downlink topics (so <c>edge/v1/{id}/#</c> is refused even though it starts inside its own topics).
    /// </summary>
    public static bool MaySubscribe(string deviceId, string? status, string filter) =>
        DeviceId.IsValid(deviceId) && Filters(deviceId, status, TopicDirection.Downlink).Any(f => TopicFilter.Covers(f, filter));
}

/// <summary>MQTT topic-filter matching, as brokers do it (<c>+</c> one level, <c>#</c> the rest).</summary>
public static class TopicFilter
{
    /// <summary>Does <paramref name="filter"/> match the concrete <paramref name="topic"/>?</summary>
    public static bool Matches(string filter, string topic)
    {
        if (topic.Contains('+') || topic.Contains('#'))
        {
            return false;
        }

        return Covers(filter, topic);
    }

    /// <summary>Is every topic <paramref name="inner"/> can match also matched by <paramref name="outer"/>?</summary>
    public static bool Covers(string outer, string inner)
    {
        var o = outer.Split('/');
        var i = inner.Split('/');
        for (var level = 0; level < o.Length; level++)
        {
            if (o[level] == "#")
            {
                return true;
            }

            if (level >= i.Length)
            {
                return false;
            }

            if (i[level] == "#" || (i[level] == "+" && o[level] != "+"))
            {
                return false;
            }

            if (o[level] != "+" && o[level] != i[level])
            {
                return false;
            }
        }

        return o.Length == i.Length;
    }
}
