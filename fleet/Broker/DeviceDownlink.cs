using Microsoft.Extensions.DependencyInjection.Extensions;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Fleet.Broker;

/// <summary>
/// Publishes what the fleet tells one device (its desired configuration, its commands) through whichever broker
/// the fleet runs with. QoS 1; retained when asked, so a device that connects later still finds it. An empty retained
/// payload clears the topic.
/// </summary>
public interface IDeviceDownlink
{
    Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken);
}

/// <summary>
/// Hands a downlink to the device's session in the embedded broker (<see cref="DeviceSessionDelivery"/>), never
/// retained by MQTTnet: a retained message is kept by <see cref="RetainedDownlinks"/> and handed to the device when it
/// subscribes.
/// </summary>
public sealed class EmbeddedDeviceDownlink(DeviceSessionDelivery delivery, RetainedDownlinks retained) : IDeviceDownlink
{
    public Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        if (retain)
        {
            retained.Keep(Message(topic, payload, retain: true));
        }

        return delivery.DeliverAsync(Message(topic, payload, retain: false), cancellationToken);
    }

    private static MqttApplicationMessage Message(string topic, byte[] payload, bool retain) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
}

/// <summary>Publishes through this node's client connection to the external broker (which then owns retention).</summary>
public sealed class ExternalDeviceDownlink(IMqttClient client) : IDeviceDownlink
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    public async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(PublishTimeout);
        var result = await client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithRetainFlag(retain)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            deadline.Token);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"the broker refused {topic}: {result.ReasonCode} {result.ReasonString}");
        }
    }
}

public static class DeviceDownlinkRegistration
{
    /// <summary>The downlink of the broker mode in use (the embedded server when there is one, else the external client).</summary>
    public static IServiceCollection AddDeviceDownlink(this IServiceCollection services)
    {
        services.TryAddSingleton<IDeviceDownlink>(sp => sp.GetService<MqttServer>() is not null
            ? new EmbeddedDeviceDownlink(sp.GetRequiredService<DeviceSessionDelivery>(), sp.GetRequiredService<RetainedDownlinks>())
            : new ExternalDeviceDownlink(sp.GetRequiredService<IMqttClient>()));
        return services;
    }
}
