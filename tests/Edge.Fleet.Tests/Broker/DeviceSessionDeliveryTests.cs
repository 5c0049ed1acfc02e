using System.Text;
using Edge.Fleet.Broker;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Fleet.Tests.Broker;

/// <summary>
/// <see cref="DeviceSessionDelivery"/> over real TCP on loopback: a device's downlink goes to its own session only for
/// the topics it is subscribed to, with the QoS it was granted, and stops when it unsubscribes; with device
/// authentication on nobody else receives it (a wildcard listener, possible only with authentication open, is the
/// case that still publishes through MQTTnet's matching); a device without a session costs nothing and throws nothing.
/// </summary>
public sealed class DeviceSessionDeliveryTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task A_device_gets_what_it_subscribed_to_with_its_granted_qos_and_nothing_after_unsubscribing()
    {
        await using var broker = await LoopbackMqtt.StartAsync(devicesMustAuthenticate: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var (device, received) = await broker.ConnectAsync("dev-a", timeout.Token);
        using (device)
        {
            await device.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter("edge/v1/dev-a/lan", MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter("edge/v1/dev-a/cmd/+", MqttQualityOfServiceLevel.AtMostOnce)
                .Build(), timeout.Token);

            await broker.Downlink.PublishAsync("edge/v1/dev-a/config", LoopbackMqtt.Bytes("not subscribed"), retain: false, timeout.Token);
            await broker.Downlink.PublishAsync("edge/v1/dev-b/lan", LoopbackMqtt.Bytes("no session"), retain: false, timeout.Token);
            await broker.Downlink.PublishAsync("edge/v1/dev-a/lan", LoopbackMqtt.Bytes("lan"), retain: false, timeout.Token);
            await broker.Downlink.PublishAsync("edge/v1/dev-a/cmd/c1", LoopbackMqtt.Bytes("c1"), retain: false, timeout.Token);

            var lan = await received.Reader.ReadAsync(timeout.Token);
            var command = await received.Reader.ReadAsync(timeout.Token);
            Assert.Equal(("edge/v1/dev-a/lan", "lan", MqttQualityOfServiceLevel.AtLeastOnce), (lan.Topic, Text(lan), lan.QualityOfServiceLevel));
            Assert.Equal(("edge/v1/dev-a/cmd/c1", "c1", MqttQualityOfServiceLevel.AtMostOnce), (command.Topic, Text(command), command.QualityOfServiceLevel));
            await Task.Delay(Quiet, timeout.Token);
            Assert.False(received.Reader.TryRead(out var extra), $"unexpected {extra?.Topic}");

            await device.UnsubscribeAsync("edge/v1/dev-a/lan", timeout.Token);
            await broker.Downlink.PublishAsync("edge/v1/dev-a/lan", LoopbackMqtt.Bytes("after"), retain: false, timeout.Token);
            await broker.Downlink.PublishAsync("edge/v1/dev-a/cmd/c2", LoopbackMqtt.Bytes("c2"), retain: false, timeout.Token);
            Assert.Equal("edge/v1/dev-a/cmd/c2", (await received.Reader.ReadAsync(timeout.Token)).Topic);
            await Task.Delay(Quiet, timeout.Token);
            Assert.False(received.Reader.TryRead(out extra), $"unexpected {extra?.Topic}");
            await device.DisconnectAsync(cancellationToken: timeout.Token);
        }
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_listener_on_every_devices_topics_hears_a_downlink_only_with_authentication_open(bool devicesMustAuthenticate, bool listenerHears)
    {
        await using var broker = await LoopbackMqtt.StartAsync(devicesMustAuthenticate);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var (listener, heard) = await broker.ConnectAsync("listener", timeout.Token);
        var (device, received) = await broker.ConnectAsync("dev-a", timeout.Token);
        using (listener)
        using (device)
        {
            await listener.SubscribeAsync("edge/v1/+/config", MqttQualityOfServiceLevel.AtLeastOnce, timeout.Token);
            await device.SubscribeAsync("edge/v1/dev-a/lan", MqttQualityOfServiceLevel.AtLeastOnce, timeout.Token);

            await broker.Downlink.PublishAsync("edge/v1/dev-a/config", LoopbackMqtt.Bytes("config"), retain: false, timeout.Token);
            await broker.Downlink.PublishAsync("edge/v1/dev-a/lan", LoopbackMqtt.Bytes("lan"), retain: false, timeout.Token);

            Assert.Equal("edge/v1/dev-a/lan", (await received.Reader.ReadAsync(timeout.Token)).Topic);
            await Task.Delay(Quiet, timeout.Token);
            Assert.Equal(listenerHears, heard.Reader.TryRead(out var config) && config.Topic == "edge/v1/dev-a/config");
            Assert.False(received.Reader.TryRead(out var extra), $"unexpected {extra?.Topic}");
        }
    }

    [Theory]
    [InlineData("edge/v1/dev-a/lan", "dev-a")]
    [InlineData("edge/v1/dev-a/cmd/c1/result", "dev-a")]
    [InlineData("edge/v1/+/lan", null)]
    [InlineData("edge/v1/dev-a", null)]
    [InlineData("edge/v2/dev-a/lan", null)]
    [InlineData("fleets/lower-1/ack", null)]
    public void The_device_of_a_topic_is_its_third_level_under_the_protocol_root(string topic, string? device) =>
        Assert.Equal(device, DeviceSessionDelivery.DeviceOf(topic));

    private static string Text(MqttApplicationMessage message) => Encoding.UTF8.GetString(message.Payload);
}
