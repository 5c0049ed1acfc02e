using System.Text;
using Edge.Fleet.Broker;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Fleet.Tests.Broker;

/// <summary>
/// The embedded broker's retained downlinks (<see cref="RetainedDownlinks"/>) over real TCP on loopback: a device
/// that subscribes later gets what was published retained for it, with the retain flag, and nothing of another
/// device's; a wildcard of its own topics gets each; an empty retained payload clears; MQTTnet itself keeps nothing
/// retained (its copy of every retained message at each SUBSCRIBE is what made the storm quadratic).
/// </summary>
public sealed class RetainedDownlinksTests
{
    [Fact]
    public async Task A_device_subscribing_later_gets_its_own_retained_downlinks_once_and_nothing_cleared_or_of_another_device()
    {
        await using var broker = await LoopbackMqtt.StartAsync();
        var retained = broker.Retained;
        var downlink = broker.Downlink;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await downlink.PublishAsync("edge/v1/dev-a/lan", LoopbackMqtt.Bytes("lan-a"), retain: true, timeout.Token);
        await downlink.PublishAsync("edge/v1/dev-b/lan", LoopbackMqtt.Bytes("lan-b"), retain: true, timeout.Token);
        await downlink.PublishAsync("edge/v1/dev-a/cmd/c1", LoopbackMqtt.Bytes("c1"), retain: true, timeout.Token);
        await downlink.PublishAsync("edge/v1/dev-a/cmd/c2", LoopbackMqtt.Bytes("c2"), retain: true, timeout.Token);
        await downlink.PublishAsync("edge/v1/dev-a/cmd/c2", [], retain: true, timeout.Token);
        await downlink.PublishAsync("edge/v1/dev-a/queue/called", LoopbackMqtt.Bytes("not kept"), retain: false, timeout.Token);

        Assert.Empty(await broker.Server.GetRetainedMessagesAsync());
        Assert.Equal(3, retained.Count);

        var (client, received) = await broker.ConnectAsync("dev-a", timeout.Token);
        using (client)
        {
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter("edge/v1/dev-a/lan", MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter("edge/v1/dev-a/cmd/+", MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter("edge/v1/dev-a/queue/called", MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), timeout.Token);
            var got = new List<MqttApplicationMessage> { await received.Reader.ReadAsync(timeout.Token), await received.Reader.ReadAsync(timeout.Token) };
            Assert.Equal(["edge/v1/dev-a/cmd/c1", "edge/v1/dev-a/lan"], got.Select(m => m.Topic).Order(StringComparer.Ordinal));
            Assert.All(got, m => Assert.True(m.Retain));
            Assert.Equal("lan-a", Encoding.UTF8.GetString(got.Single(m => m.Topic.EndsWith("/lan", StringComparison.Ordinal)).Payload));

            // A live publish reaches the subscriber at once, without the retain flag, and only once.
            await downlink.PublishAsync("edge/v1/dev-a/lan", LoopbackMqtt.Bytes("lan-a2"), retain: true, timeout.Token);
            var live = await received.Reader.ReadAsync(timeout.Token);
            Assert.Equal(("edge/v1/dev-a/lan", "lan-a2", false), (live.Topic, Encoding.UTF8.GetString(live.Payload), live.Retain));
            await Task.Delay(300, timeout.Token);
            Assert.False(received.Reader.TryRead(out var extra), $"unexpected {extra?.Topic}");
            await client.DisconnectAsync(cancellationToken: timeout.Token);
        }

        Assert.Equal(["lan-a2"], retained.Matching("edge/v1/dev-a/lan").Select(m => Encoding.UTF8.GetString(m.Payload)));
        Assert.Empty(retained.Matching("edge/v1/dev-a/cmd/c2"));
        Assert.Equal(2, retained.Matching("edge/v1/+/lan").Count);
    }
}
