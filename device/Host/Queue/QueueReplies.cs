using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Edge.Wire;

namespace Edge.Device.Queue;

/// <summary>Matches the fleet's answers on <c>queue/called</c> to the call requests waiting for them.</summary>
public sealed class QueueReplies(ILogger<QueueReplies> logger) : Uplink.IDownlinkHandler
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<CallReply>> _waiting = new();

    public Task<CallReply> Expect(string requestId)
    {
        var pending = new TaskCompletionSource<CallReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[requestId] = pending;
        return pending.Task;
    }

    public void Forget(string requestId) => _waiting.TryRemove(requestId, out _);

    public string Filter(string deviceId) => QueueTopics.Replies(deviceId);

    public bool Accepts(string topic, string deviceId) => topic == QueueTopics.Called(deviceId);

    /// <summary>Called by the uplink for every message on the device's queue topics.</summary>
    public Task HandleAsync(ReadOnlySequence<byte> payload, bool retained, CancellationToken cancellationToken)
    {
        Handle(payload);
        return Task.CompletedTask;
    }

    private void Handle(ReadOnlySequence<byte> payload)
    {
        CallReply? reply;
        try
        {
            var reader = new Utf8JsonReader(payload);
            reply = JsonSerializer.Deserialize(ref reader, WireJson.Default.CallReply);
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Ignored unreadable queue reply: {Error}", ex.Message);
            return;
        }

        if (reply is not null && _waiting.TryRemove(reply.RequestId, out var pending))
        {
            pending.TrySetResult(reply);
        }
    }
}
