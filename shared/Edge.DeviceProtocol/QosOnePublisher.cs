using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.DeviceProtocol;

/// <summary>
/// Publishes at QoS 1 with a deadline of its own: MQTTnet's <c>PublishAsync</c> waits for the PUBACK but ignores the
/// client's timeout option. A PUBACK says only that the broker took the message; the events it carries are freed by
/// the fleet's ack (<see cref="AckPayload"/>), never by this.
/// </summary>
public static class QosOnePublisher
{
    /// <summary>
    /// Publishes and says how it went. Cancelling <paramref name="cancellationToken"/> throws; so does a broken
    /// connection (<see cref="MQTTnet.Exceptions.MqttCommunicationException"/>), which the caller's connection loop handles.
    /// </summary>
    public static async Task<PublishOutcome> PublishAsync(
        IMqttClient client, string topic, byte[] payload, bool retain, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var result = await client.PublishAsync(message, deadline.Token);
            return result.IsSuccess ? PublishOutcome.Acknowledged : PublishOutcome.Refused($"{result.ReasonCode} {result.ReasonString}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return PublishOutcome.NoPubackInTime;
        }
    }

    /// <summary>True when the broker acknowledged in time; false when it refused, did not answer, the connection is
    /// down or <paramref name="cancellationToken"/> was cancelled. Nothing is buffered.</summary>
    public static async Task<bool> TryPublishAsync(
        IMqttClient client, string topic, byte[] payload, bool retain, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return (await PublishAsync(client, topic, payload, retain, timeout, cancellationToken)).IsAcknowledged;
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            return false;
        }
    }
}

/// <summary>How a QoS 1 publish went: acknowledged by the broker, refused (with the reason), or no PUBACK in time.</summary>
public sealed record PublishOutcome(bool IsAcknowledged, bool TimedOut, string? Refusal)
{
    public static readonly PublishOutcome Acknowledged = new(true, false, null);

    public static readonly PublishOutcome NoPubackInTime = new(false, true, null);

    public static PublishOutcome Refused(string reason) => new(false, false, reason);
}
