using Edge.Wire;

namespace Edge.Fleet.Broker.External.DynamicSecurity;

/// <summary>One ACL entry of a dynamic security role (always <c>allow</c>; the plugin's defaults deny the rest).</summary>
public sealed record DynamicSecurityAcl(string AclType, string Topic);

/// <summary>
/// The roles the fleet keeps in Mosquitto's dynamic security plugin, made from <see cref="DeviceTopicRules"/>.
/// Mosquitto 2.0's plugin has no <c>%u</c>/<c>%c</c> substitution in role ACLs (it matches the topic as written), so
/// each device has a role of its own naming its id: <c>edge-device-{id}</c> while active, swapped for
/// <c>edge-replaced-{id}</c> when replaced. The fleet nodes share <see cref="FleetRole"/>.
/// </summary>
public static class DynamicSecurityRoles
{
    public const string FleetRole = "edge-fleet-node";

    /// <summary>The plugin's ACL types (Mosquitto 2.0).</summary>
    public const string PublishClientSend = "publishClientSend";
    public const string PublishClientReceive = "publishClientReceive";
    public const string SubscribePattern = "subscribePattern";

    public static string ActiveRole(string deviceId) => $"edge-device-{deviceId}";

    public static string ReplacedRole(string deviceId) => $"edge-replaced-{deviceId}";

    /// <summary>The role of a registry entry of role <c>fleet</c> (a lower fleet forwarding to this one).</summary>
    public static string LowerFleetRole(string fleetId) => $"edge-lower-fleet-{fleetId}";

    /// <summary>The role a device in <paramref name="status"/> (<see cref="DeviceStates"/>) has.</summary>
    public static string RoleFor(string deviceId, string status) =>
        status == DeviceStates.ReplacedBy ? ReplacedRole(deviceId) : ActiveRole(deviceId);

    /// <summary>
    /// A lower fleet (<see cref="FleetTopicRules"/>) publishes its events and subscribes to (and receives) its acks;
    /// nothing under <c>edge/v1/</c> and no other fleet's topics (the plugin's defaults deny them).
    /// </summary>
    public static IReadOnlyList<DynamicSecurityAcl> LowerFleetAcls(string fleetId) =>
        Acls([FleetTopicRules.Uplink(fleetId)], [FleetTopicRules.Downlink(fleetId)]);

    /// <summary>
    /// A device publishes its uplink and subscribes to (and receives) its downlink. <c>subscribePattern</c> lets it
    /// subscribe to any filter inside an allowed one, as the embedded broker does.
    /// </summary>
    public static IReadOnlyList<DynamicSecurityAcl> DeviceAcls(string deviceId, string status) =>
        Acls(DeviceTopicRules.Filters(deviceId, status, TopicDirection.Uplink), DeviceTopicRules.Filters(deviceId, status, TopicDirection.Downlink));

    /// <summary>
    /// A fleet node subscribes to (shared or not) and receives every device's uplink and every lower fleet's events,
    /// and publishes every device's downlink and every lower fleet's acks.
    /// </summary>
    public static IReadOnlyList<DynamicSecurityAcl> FleetAcls()
    {
        var uplink = DeviceTopicRules.FleetFilters(TopicDirection.Uplink).Append(FleetTopicRules.Uplink(FleetTopicRules.AnyFleet)).ToList();
        var acls = Acls(DeviceTopicRules.FleetFilters(TopicDirection.Downlink).Append(FleetTopicRules.Downlink(FleetTopicRules.AnyFleet)), uplink);

        // The plugin checks a shared subscription as written, $share/{group}/ included (any group: the role is every node's).
        acls.AddRange(uplink.Select(f => new DynamicSecurityAcl(SubscribePattern, Topics.Shared("+", f))));
        return acls;
    }

    private static List<DynamicSecurityAcl> Acls(IEnumerable<string> sends, IEnumerable<string> receives)
    {
        var acls = sends.Select(topic => new DynamicSecurityAcl(PublishClientSend, topic)).ToList();
        foreach (var topic in receives)
        {
            acls.Add(new DynamicSecurityAcl(SubscribePattern, topic));
            acls.Add(new DynamicSecurityAcl(PublishClientReceive, topic));
        }

        return acls;
    }
}
