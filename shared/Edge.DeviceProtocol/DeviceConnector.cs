using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.DeviceProtocol;

/// <summary>Opens a device's MQTT connection and subscribes to the topics the fleet sends it on.</summary>
public static class DeviceConnector
{
    /// <summary>
    /// Connects; a CONNACK that refuses (bad credentials, not authorised) throws <see cref="InvalidOperationException"/>
    /// with its reason, because MQTTnet 5 reports a refusal in the result, not as an exception.
    /// </summary>
    public static async Task ConnectAsync(IMqttClient client, MqttClientOptions options, CancellationToken cancellationToken)
    {
        var connected = await client.ConnectAsync(options, cancellationToken);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"the broker refused the connection: {connected.ResultCode} {connected.ReasonString}");
        }
    }

    /// <summary>Subscribes (QoS 1) to every filter, in one SUBSCRIBE.</summary>
    public static Task SubscribeAsync(IMqttClient client, IEnumerable<string> filters, CancellationToken cancellationToken)
    {
        var subscriptions = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in filters)
        {
            subscriptions.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        }

        return client.SubscribeAsync(subscriptions.Build(), cancellationToken);
    }
}
