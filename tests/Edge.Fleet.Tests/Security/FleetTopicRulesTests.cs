using Edge.Fleet.Broker;
using Edge.Fleet.Broker.External;
using Edge.Fleet.Broker.External.DynamicSecurity;
using Edge.Fleet.Registry;
using Edge.Wire;

namespace Edge.Fleet.Tests.Security;

/// <summary>
/// What a lower fleet (registry role <c>fleet</c>) and a fleet node may do under <c>fleets/</c>, in the embedded broker's
/// rules and in the two Mosquitto set-ups made from them (ACL file, dynamic security roles).
/// </summary>
public sealed class FleetTopicRulesTests
{
    private const string Fleet = "ha-noi";
    private const string Other = "hue";

    [Fact]
    public void A_lower_fleet_publishes_its_events_and_subscribes_to_its_ack_only_while_active()
    {
        Assert.True(FleetTopicRules.MayPublish(Fleet, DeviceStates.Active, FederationTopics.Events(Fleet)));
        Assert.True(FleetTopicRules.MaySubscribe(Fleet, DeviceStates.Active, FederationTopics.Ack(Fleet)));
        Assert.False(FleetTopicRules.MayPublish(Fleet, DeviceStates.Active, FederationTopics.Events(Other)));
        Assert.False(FleetTopicRules.MayPublish(Fleet, DeviceStates.Active, FederationTopics.Ack(Fleet)));
        Assert.False(FleetTopicRules.MayPublish(Fleet, DeviceStates.Active, Topics.Events(Fleet)));
        Assert.False(FleetTopicRules.MaySubscribe(Fleet, DeviceStates.Active, "fleets/+/ack"));
        Assert.False(FleetTopicRules.MaySubscribe(Fleet, DeviceStates.Active, FederationTopics.Events(Fleet)));
        Assert.False(FleetTopicRules.MayPublish(Fleet, DeviceStates.Retired, FederationTopics.Events(Fleet)));
        Assert.False(FleetTopicRules.MaySubscribe(Fleet, DeviceStates.ReplacedBy, FederationTopics.Ack(Fleet)));
    }

    [Fact]
    public void The_acl_file_gives_each_lower_fleet_its_two_topics_denies_it_every_device_topic_and_gives_devices_nothing_under_fleets()
    {
        var acl = MosquittoAccessFiles.AclFile("edge-fleet", [Fleet, Other]).Split('\n');

        // The nodes consume every lower fleet's events and publish every lower fleet's acks.
        var node = Section(acl, "user edge-fleet");
        Assert.Contains("topic read fleets/+/events", node);
        Assert.Contains("topic write fleets/+/ack", node);

        // A lower fleet: the deny comes first (Mosquitto checks the user's lines before any pattern, a deny ends the check).
        Assert.Equal(["topic deny edge/v1/#", "topic write fleets/ha-noi/events", "topic read fleets/ha-noi/ack"], Section(acl, "user ha-noi"));
        Assert.Equal(["topic deny edge/v1/#", "topic write fleets/hue/events", "topic read fleets/hue/ack"], Section(acl, "user hue"));

        // Devices' patterns: nothing under fleets/.
        var patterns = acl.Where(l => l.StartsWith("pattern ", StringComparison.Ordinal)).ToList();
        Assert.Equal(DeviceTopicRules.All.Count, patterns.Count);
        Assert.All(patterns, p => Assert.Contains($" {Topics.Root}/%u/", p, StringComparison.Ordinal));

        // Without lower fleets the file has no user sections besides the nodes'.
        Assert.Single(MosquittoAccessFiles.AclFile("edge-fleet").Split('\n'), l => l.StartsWith("user ", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => MosquittoAccessFiles.AclFile("edge-fleet", ["edge-fleet"]));
        Assert.Throws<ArgumentException>(() => MosquittoAccessFiles.AclFile("edge-fleet", ["bad id\ntopic readwrite #"]));
    }

    [Fact]
    public void The_dynamic_security_role_of_a_lower_fleet_has_its_two_topics_only_and_the_nodes_role_has_every_fleets()
    {
        Assert.Equal(
            [
                new DynamicSecurityAcl(DynamicSecurityRoles.PublishClientSend, "fleets/ha-noi/events"),
                new DynamicSecurityAcl(DynamicSecurityRoles.SubscribePattern, "fleets/ha-noi/ack"),
                new DynamicSecurityAcl(DynamicSecurityRoles.PublishClientReceive, "fleets/ha-noi/ack"),
            ],
            DynamicSecurityRoles.LowerFleetAcls(Fleet));
        Assert.Equal("edge-lower-fleet-ha-noi", DynamicSecurityRoles.LowerFleetRole(Fleet));

        var nodes = DynamicSecurityRoles.FleetAcls();
        Assert.Contains(new DynamicSecurityAcl(DynamicSecurityRoles.SubscribePattern, "fleets/+/events"), nodes);
        Assert.Contains(new DynamicSecurityAcl(DynamicSecurityRoles.SubscribePattern, "$share/+/fleets/+/events"), nodes);
        Assert.Contains(new DynamicSecurityAcl(DynamicSecurityRoles.PublishClientReceive, "fleets/+/events"), nodes);
        Assert.Contains(new DynamicSecurityAcl(DynamicSecurityRoles.PublishClientSend, "fleets/+/ack"), nodes);
        Assert.DoesNotContain(nodes, a => a.AclType == DynamicSecurityRoles.PublishClientSend && a.Topic.EndsWith("/events", StringComparison.Ordinal));

        // A device's role has nothing under fleets/.
        Assert.All(DynamicSecurityRoles.DeviceAcls(Fleet, DeviceStates.Active), a => Assert.StartsWith(Topics.Root + "/", a.Topic));
    }

    /// <summary>The lines after <paramref name="header"/> up to the next blank line.</summary>
    private static string[] Section(string[] acl, string header) =>
        [.. acl.SkipWhile(l => l != header).Skip(1).TakeWhile(l => l.Length > 0)];
}
