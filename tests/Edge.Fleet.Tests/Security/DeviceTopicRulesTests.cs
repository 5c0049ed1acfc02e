using Edge.Fleet.Broker;
using Edge.Fleet.Broker.External;
using Edge.Fleet.Broker.External.DynamicSecurity;
using Edge.Fleet.Registry;
using Edge.Wire;

namespace Edge.Fleet.Tests.Security;

/// <summary>The one topic rule set, and the three ACLs made from it.</summary>
public sealed class DeviceTopicRulesTests
{
    private const string Device = "counter-7";
    private const string Active = DeviceStates.Active;
    private const string Replaced = DeviceStates.ReplacedBy;

    public static TheoryData<string, string> EveryWireTopic => new()
    {
        { Topics.Events(Device), "up" },
        { Topics.Status(Device), "up" },
        { Topics.Health(Device), "up" },
        { Topics.ConfigReported(Device), "up" },
        { Topics.CommandResult(Device, "cmd-1"), "up" },
        { QueueTopics.Call(Device), "up" },
        { Topics.Ack(Device), "down" },
        { Topics.Config(Device), "down" },
        { Topics.Command(Device, "cmd-1"), "down" },
        { UpdateTopics.Offer(Device), "down" },
        { QueueTopics.Called(Device), "down" },
        { QueueTopics.Board(Device), "down" },
    };

    [Theory]
    [MemberData(nameof(EveryWireTopic))]
    public void An_active_device_publishes_its_uplink_and_subscribes_to_its_downlink_only(string topic, string direction)
    {
        Assert.Equal(direction == "up", DeviceTopicRules.MayPublish(Device, Active, topic));
        Assert.Equal(direction == "down", DeviceTopicRules.MaySubscribe(Device, Active, topic));
    }

    [Fact]
    public void A_replaced_device_keeps_its_events_status_health_and_ack_only()
    {
        Assert.True(DeviceTopicRules.MayPublish(Device, Replaced, Topics.Events(Device)));
        Assert.True(DeviceTopicRules.MayPublish(Device, Replaced, Topics.Status(Device)));
        Assert.True(DeviceTopicRules.MaySubscribe(Device, Replaced, Topics.Ack(Device)));
        Assert.False(DeviceTopicRules.MayPublish(Device, Replaced, QueueTopics.Call(Device)));
        Assert.False(DeviceTopicRules.MayPublish(Device, Replaced, Topics.ConfigReported(Device)));
        Assert.False(DeviceTopicRules.MaySubscribe(Device, Replaced, Topics.Config(Device)));
        Assert.False(DeviceTopicRules.MaySubscribe(Device, Replaced, QueueTopics.Replies(Device)));
        Assert.False(DeviceTopicRules.MaySubscribe(Device, Replaced, QueueTopics.Board(Device)));
    }

    [Theory]
    [InlineData(DeviceStates.Retired)]
    [InlineData(null)]
    public void A_retired_or_unknown_device_may_do_nothing(string? status)
    {
        Assert.False(DeviceTopicRules.MayPublish(Device, status, Topics.Events(Device)));
        Assert.False(DeviceTopicRules.MaySubscribe(Device, status, Topics.Ack(Device)));
    }

    [Theory]
    [InlineData("edge/v1/counter-7/#")]
    [InlineData("edge/v1/counter-7/+")]
    [InlineData("edge/v1/+/ack")]
    [InlineData("edge/v1/counter-8/ack")]
    [InlineData("#")]
    [InlineData("edge/v1/counter-7/cmd/#")]
    public void Wildcards_reaching_beyond_its_own_downlink_are_refused(string filter) =>
        Assert.False(DeviceTopicRules.MaySubscribe(Device, Active, filter));

    [Fact]
    public void Another_devices_topics_and_wildcard_ids_are_refused()
    {
        Assert.False(DeviceTopicRules.MayPublish(Device, Active, QueueTopics.Call("counter-8")));
        Assert.False(DeviceTopicRules.MayPublish(Device, Active, Topics.Events("counter-8")));
        Assert.False(DeviceTopicRules.MayPublish("+", Active, Topics.Events("counter-8")));
        Assert.False(DeviceTopicRules.MaySubscribe("+", Active, Topics.Ack("counter-8")));
        Assert.True(DeviceTopicRules.MaySubscribe(Device, Active, Topics.Commands(Device)));
    }

    [Fact]
    public void Mosquittos_acl_file_and_the_dynamic_security_roles_follow_the_rules()
    {
        var acl = MosquittoAccessFiles.AclFile("edge-fleet").Split('\n');
        Assert.Contains("topic read edge/v1/+/queue/call", acl);
        Assert.Contains("topic write edge/v1/+/queue/called", acl);
        Assert.Contains("pattern write edge/v1/%u/queue/call", acl);
        Assert.Contains("pattern read edge/v1/%u/queue/called", acl);
        Assert.Contains("pattern read edge/v1/%u/queue/board", acl);
        Assert.Equal(DeviceTopicRules.All.Count, acl.Count(l => l.StartsWith("pattern ", StringComparison.Ordinal)));

        var active = DynamicSecurityRoles.DeviceAcls(Device, Active);
        var replaced = DynamicSecurityRoles.DeviceAcls(Device, Replaced);
        Assert.Contains(new DynamicSecurityAcl(DynamicSecurityRoles.PublishClientSend, QueueTopics.Call(Device)), active);
        Assert.Contains(new DynamicSecurityAcl(DynamicSecurityRoles.SubscribePattern, QueueTopics.Replies(Device)), active);
        Assert.DoesNotContain(new DynamicSecurityAcl(DynamicSecurityRoles.PublishClientSend, QueueTopics.Call(Device)), replaced);
        Assert.Contains(new DynamicSecurityAcl(DynamicSecurityRoles.SubscribePattern, Topics.Ack(Device)), replaced);
        Assert.All(active, a => Assert.StartsWith(Topics.DevicePrefix(Device), a.Topic));
        Assert.Contains(new DynamicSecurityAcl(DynamicSecurityRoles.SubscribePattern, QueueTopics.AllCalls), DynamicSecurityRoles.FleetAcls());
    }
}
