using System.Text.Json;
using Edge.Fleet.Ingest;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Fleet.Broker;

/// <summary>Publishes acks from inside the embedded broker, retained so that a device reconnecting later still gets its latest one.</summary>
public sealed class EmbeddedAckSender(MqttServer server) : IAckSender
{
    /// <summary>Sender id the broker reports for messages the fleet itself publishes.</summary>
    public const string FleetClientId = "edge-fleet";

    public Task SendAsync(string deviceId, Ack ack, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Ack(deviceId))
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(ack, WireJson.Default.Ack))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag()
            .Build();
        return server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = FleetClientId }, cancellationToken);
    }
}
