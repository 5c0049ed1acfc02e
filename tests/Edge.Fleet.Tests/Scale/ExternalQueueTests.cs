using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Edge.Testing;
using Edge.Wire;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Fleet.Tests.Scale;

/// <summary>
/// Counters' call requests through an external broker: two fleet nodes share the subscription to
/// <c>edge/v1/+/queue/call</c>, so each call is answered once, by whichever node the broker gave it to.
/// </summary>
public sealed class ExternalQueueTests : IDisposable
{
    private readonly TempFolder _data = new("external-queue");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Each_call_is_answered_once_by_one_of_two_nodes()
    {
        using var broker = await ThrowawayMosquitto.StartAsync();
        using var nodeA = await ExternalFleetNode.StartAsync("queue-node-a", broker.Port, _data["a"], waitForBroker: true);
        using var nodeB = await ExternalFleetNode.StartAsync("queue-node-b", broker.Port, _data["b"], waitForBroker: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var counter = new MqttClientFactory().CreateMqttClient();
        var replies = new ConcurrentDictionary<string, int>();
        counter.ApplicationMessageReceivedAsync += e =>
        {
            if (JsonSerializer.Deserialize(e.ApplicationMessage.Payload.ToArray(), WireJson.Default.CallReply) is { } reply)
            {
                replies.AddOrUpdate(reply.RequestId, 1, (_, n) => n + 1);
            }

            return Task.CompletedTask;
        };
        await counter.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("q-counter").Build(), timeout.Token);
        await counter.SubscribeAsync(QueueTopics.Replies("q-counter"), MqttQualityOfServiceLevel.AtLeastOnce, timeout.Token);

        const int calls = 20;
        for (var i = 0; i < calls; i++)
        {
            var request = new CallRequest($"r{i}", CallActions.Next, "1", []);
            await counter.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(QueueTopics.Call("q-counter"))
                .WithPayload(JsonSerializer.SerializeToUtf8Bytes(request, WireJson.Default.CallRequest))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), timeout.Token);
        }

        await Eventually.TrueAsync(() => Task.FromResult(replies.Count == calls), TimeSpan.FromSeconds(15), "every call to be answered");
        await Task.Delay(500);
        Assert.All(replies, r => Assert.Equal(1, r.Value));
        await counter.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
        nodeA.AssertNoErrorsLogged();
        nodeB.AssertNoErrorsLogged();
    }
}
