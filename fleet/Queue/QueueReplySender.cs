using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Fleet.Queue;

/// <summary>Sends a counter the answer to its call request on <c>edge/v1/{device}/queue/called</c>.</summary>
public interface IQueueReplySender
{
    Task SendAsync(string deviceId, CallReply reply, CancellationToken cancellationToken);
}

/// <summary>Injects replies into the embedded broker (as the fleet, like acks). QoS 1, not retained.</summary>
public sealed class EmbeddedQueueReplySender(MqttServer server) : IQueueReplySender
{
    public Task SendAsync(string deviceId, CallReply reply, CancellationToken cancellationToken) =>
        server.InjectApplicationMessage(
            new InjectedMqttApplicationMessage(
                new MqttApplicationMessageBuilder()
                    .WithTopic(QueueTopics.Called(deviceId))
                    .WithPayload(JsonSerializer.SerializeToUtf8Bytes(reply, WireJson.Default.CallReply))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build())
            { SenderClientId = EmbeddedAckSender.FleetClientId },
            cancellationToken);
}

/// <summary>With an external broker the queue is not served yet (fleet/Queue/README.md): replies are dropped, logged.</summary>
public sealed class UnservedQueueReplySender(ILogger<UnservedQueueReplySender> logger) : IQueueReplySender
{
    public Task SendAsync(string deviceId, CallReply reply, CancellationToken cancellationToken)
    {
        logger.LogWarning("No queue reply path for {Device} with an external broker", deviceId);
        return Task.CompletedTask;
    }
}
