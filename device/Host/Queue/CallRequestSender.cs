using System.Text.Json;
using Edge.Device.Configuration;
using Edge.Device.Uplink;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Queue;

/// <summary>
/// Sends a request on the device's <c>queue/call</c> and waits for the fleet's answer on <c>queue/called</c>, sending
/// it again (same request id, so a lost message costs nothing) every <c>resendEvery</c> until <c>timeout</c>.
/// Null when no answer came in time (the centre offline, or the fleet slow).
/// </summary>
public sealed class CallRequestSender(IOptions<DeviceOptions> device, IUplinkPublisher uplink, QueueReplies replies)
{
    public async Task<CallReply?> AskAsync(CallRequest request, TimeSpan timeout, TimeSpan resendEvery, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, WireJson.Default.CallRequest);
        var answer = replies.Expect(request.RequestId);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (!answer.IsCompleted)
            {
                await uplink.TryPublishAsync(QueueTopics.Call(device.Value.Id), payload, retain: false, deadline.Token);
                await Task.WhenAny(answer, Task.Delay(resendEvery, deadline.Token));
                deadline.Token.ThrowIfCancellationRequested();
            }

            return await answer;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return answer.IsCompletedSuccessfully ? answer.Result : null;
        }
        finally
        {
            replies.Forget(request.RequestId);
        }
    }

    public static string NewRequestId() => Guid.NewGuid().ToString("N");
}
