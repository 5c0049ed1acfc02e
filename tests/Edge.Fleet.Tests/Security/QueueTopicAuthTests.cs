using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Edge.Testing;
using Edge.Wire;
using MQTTnet;

namespace Edge.Fleet.Tests.Security;

/// <summary>
/// The queue over the embedded broker with device authentication on (the shipped default): provisioned devices over
/// real MQTT on TCP, a kiosk issuing a ticket and a counter calling it.
/// </summary>
public sealed class QueueTopicAuthTests : IAsyncLifetime
{
    private const string Field = "Tư pháp";
    private readonly TempFolder _folder = new("queue-auth");
    private FleetRunner _fleet = null!;

    public async Task InitializeAsync()
    {
        _fleet = new FleetRunner(_folder["fleet"]);
        await _fleet.StartAsync();
    }

    public Task DisposeAsync()
    {
        _fleet.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Counters_call_is_accepted_and_answered_and_another_devices_call_is_refused()
    {
        var kiosk = await _fleet.ProvisionAsync("centre-q", "kiosk", "q-kiosk", role: "kiosk");
        var counter = await _fleet.ProvisionAsync("centre-q", "3", "q-counter");
        var other = await _fleet.ProvisionAsync("centre-q", "4", "q-other");
        await using var kioskProbe = await MqttProbe.ConnectAsDeviceAsync(_fleet.MqttPort, kiosk.DeviceId, kiosk.Secret);
        await using var counterProbe = await MqttProbe.ConnectAsDeviceAsync(_fleet.MqttPort, counter.DeviceId, counter.Secret);
        await using var otherProbe = await MqttProbe.ConnectAsDeviceAsync(_fleet.MqttPort, other.DeviceId, other.Secret);
        var replies = Record(counterProbe);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await counterProbe.SubscribeAsync(QueueTopics.Replies(counter.DeviceId)));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await otherProbe.SubscribeAsync(QueueTopics.Replies(counter.DeviceId)));

        var ticket = new DeviceEvent
        {
            Seq = 1, Kind = EventKinds.TicketIssued, At = DateTimeOffset.UtcNow, Ticket = "A001", Field = Field, Detail = Today(),
        };
        Assert.Equal(MqttClientPublishReasonCode.Success, await kioskProbe.PublishAsync(Topics.Events(kiosk.DeviceId),
            JsonSerializer.SerializeToUtf8Bytes(new EventBatch(kiosk.DeviceId, [ticket]), WireJson.Default.EventBatch)));

        // Another device asking in the counter's name: refused by the broker, never reaches the queue.
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await otherProbe.PublishAsync(QueueTopics.Call(counter.DeviceId), Call("forged")));
        Assert.Equal(MqttClientPublishReasonCode.Success, await counterProbe.PublishAsync(QueueTopics.Call(counter.DeviceId), Call("r1")));

        await Eventually.TrueAsync(() => Task.FromResult(replies.ContainsKey("r1")), TimeSpan.FromSeconds(10), "the call to be answered");
        Assert.Equal(("A001", Field), (replies["r1"].Ticket, replies["r1"].Field));
        Assert.False(replies.ContainsKey("forged"));
        var counters = await _fleet.GetJsonAsync("/api/v1/security/counters");
        Assert.Equal(1, counters.GetProperty("publishRefused").GetInt64());
        Assert.Equal(1, counters.GetProperty("subscribeRefused").GetInt64());
    }

    private static byte[] Call(string requestId) =>
        JsonSerializer.SerializeToUtf8Bytes(new CallRequest(requestId, CallActions.Next, "3", [Field]), WireJson.Default.CallRequest);

    /// <summary>The queue day in the fleet's default time zone (Queue:TimeZone).</summary>
    private static string Today() =>
        TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh"))
            .ToString(QueueDays.Format, CultureInfo.InvariantCulture);

    private static ConcurrentDictionary<string, CallReply> Record(MqttProbe probe)
    {
        var replies = new ConcurrentDictionary<string, CallReply>();
        probe.Client.ApplicationMessageReceivedAsync += e =>
        {
            if (QueueTopics.TryParse(e.ApplicationMessage.Topic, out var address) && address.Kind == QueueTopicKind.Called
                && JsonSerializer.Deserialize(e.ApplicationMessage.Payload.ToArray(), WireJson.Default.CallReply) is { } reply)
            {
                replies[reply.RequestId] = reply;
            }

            return Task.CompletedTask;
        };
        return replies;
    }
}
