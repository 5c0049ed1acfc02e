using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Fleet.Releases;

/// <summary>Puts a retained update offer on <c>edge/v1/{device}/update</c>, or clears it.</summary>
public interface IUpdateOfferSender
{
    Task OfferAsync(string deviceId, UpdateOffer offer, CancellationToken cancellationToken);

    Task WithdrawAsync(string deviceId, CancellationToken cancellationToken);
}

/// <summary>Injects offers into the embedded broker as the fleet (like acks), retained, QoS 1.</summary>
public sealed class EmbeddedUpdateOfferSender(MqttServer server) : IUpdateOfferSender
{
    public Task OfferAsync(string deviceId, UpdateOffer offer, CancellationToken cancellationToken) =>
        InjectAsync(deviceId, JsonSerializer.SerializeToUtf8Bytes(offer, ReleaseJson.Default.UpdateOffer), cancellationToken);

    /// <summary>An empty retained message removes the retained offer (MQTT).</summary>
    public Task WithdrawAsync(string deviceId, CancellationToken cancellationToken) => InjectAsync(deviceId, [], cancellationToken);

    private Task InjectAsync(string deviceId, byte[] payload, CancellationToken cancellationToken) =>
        server.InjectApplicationMessage(
            new InjectedMqttApplicationMessage(
                new MqttApplicationMessageBuilder()
                    .WithTopic(UpdateTopics.Offer(deviceId))
                    .WithPayload(payload)
                    .WithRetainFlag(true)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build())
            { SenderClientId = EmbeddedAckSender.FleetClientId },
            cancellationToken);
}

/// <summary>With an external broker, offers are not served yet (fleet/Releases/README.md): logged, never sent.</summary>
public sealed class UnservedUpdateOfferSender(ILogger<UnservedUpdateOfferSender> logger) : IUpdateOfferSender
{
    public Task OfferAsync(string deviceId, UpdateOffer offer, CancellationToken cancellationToken)
    {
        logger.LogWarning("No update offer path to {Device} with an external broker", deviceId);
        return Task.CompletedTask;
    }

    public Task WithdrawAsync(string deviceId, CancellationToken cancellationToken) => Task.CompletedTask;
}
