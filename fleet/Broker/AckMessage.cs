using System.Text.Json;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Fleet.Broker;

/// <summary>
/// The MQTT message that carries a device's ack, the same whichever broker sends it: QoS 1. Through an external
/// broker it is retained, so that a device reconnecting later still finds its latest ack there. The embedded broker
/// sends it without the retain flag (<see cref="EmbeddedAckSender"/>).
/// </summary>
public static class AckMessage
{
    public static MqttApplicationMessage Create(string deviceId, Ack ack, bool retain = true) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Ack(deviceId))
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(ack, WireJson.Default.Ack))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
}
