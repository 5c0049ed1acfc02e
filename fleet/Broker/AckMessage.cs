using System.Text.Json;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Fleet.Broker;

/// <summary>
/// The MQTT message that carries a device's ack, the same whichever broker sends it: QoS 1 and retained, so that a
/// device reconnecting later still finds its latest ack.
/// </summary>
public static class AckMessage
{
    public static MqttApplicationMessage Create(string deviceId, Ack ack) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Ack(deviceId))
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(ack, WireJson.Default.Ack))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag()
            .Build();
}
