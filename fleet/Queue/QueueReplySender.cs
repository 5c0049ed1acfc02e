using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Wire;

namespace Edge.Fleet.Queue;

/// <summary>Sends a counter the answer to its call request on <c>edge/v1/{device}/queue/called</c>.</summary>
public interface IQueueReplySender
{
    Task SendAsync(string deviceId, CallReply reply, CancellationToken cancellationToken);
}

/// <summary>Through the downlink of the broker mode in use; QoS 1, not retained (an answer is for the request in hand).</summary>
public sealed class QueueReplySender(IDeviceDownlink downlink) : IQueueReplySender
{
    public Task SendAsync(string deviceId, CallReply reply, CancellationToken cancellationToken) =>
        downlink.PublishAsync(QueueTopics.Called(deviceId), JsonSerializer.SerializeToUtf8Bytes(reply, WireJson.Default.CallReply), retain: false, cancellationToken);
}
