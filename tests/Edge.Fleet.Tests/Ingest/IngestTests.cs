using System.Text;
using System.Text.Json;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Edge.Wire;
using MQTTnet;

namespace Edge.Fleet.Tests.Ingest;

/// <summary>
/// Ingest through the real fleet process and real MQTT clients on loopback, each a device provisioned by claim code and
/// connected with its own secret (device authentication on, as shipped).
/// </summary>
public sealed class IngestTests : IDisposable
{
    private readonly TempFolder _data = new("fleet-ingest");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Batch_published_twice_is_stored_once_and_acked_with_its_upTo()
    {
        using var fleet = await FleetStart.StartFleetAsync(_data.Path);
        await using var device = await fleet.ProvisionAndConnectAsync("dev-twice");
        var batch = Events.Ratings(1, 5);

        var first = await device.PublishEventsAsync(batch);
        var second = await device.PublishEventsAsync(batch);

        Assert.Equal(MqttClientPublishReasonCode.Success, first.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, second.ReasonCode);
        Assert.Equal(5, await device.WaitForAckAsync(5));
        Assert.All(device.Acks, ack => Assert.Equal(5, ack));

        var stored = (await fleet.DeviceAsync("dev-twice"))!.Value;
        Assert.Equal(5, stored.GetProperty("upTo").GetInt64());
        Assert.Equal(0, stored.GetProperty("missing").GetInt64());
        var stats = await fleet.GetJsonAsync("/api/v1/stats/ratings?device=dev-twice");
        Assert.Equal(5, stats.GetProperty("total").GetInt64());
        var counters = await fleet.GetJsonAsync("/api/v1/ingest/counters");
        Assert.Equal(2, counters.GetProperty("batches").GetInt64());
        Assert.Equal(5, counters.GetProperty("accepted").GetInt64());
        Assert.Equal(5, counters.GetProperty("duplicates").GetInt64());
        fleet.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Hostile_levels_are_acked_but_not_counted_and_a_conflicting_resend_is_exposed_per_device()
    {
        using var fleet = await FleetStart.StartFleetAsync(_data.Path);
        await using var device = await fleet.ProvisionAndConnectAsync("dev-hostile");

        await device.PublishEventsAsync(Events.Rating(1, 99), Events.Rating(2, int.MinValue), Events.Rating(3, 4), Events.Rating(4, 0));
        Assert.Equal(4, await device.WaitForAckAsync(4));
        var conflicting = await device.PublishEventsAsync(Events.Rating(3, 1));
        Assert.Equal(MqttClientPublishReasonCode.Success, conflicting.ReasonCode);

        var stats = await fleet.GetJsonAsync("/api/v1/stats/ratings?device=dev-hostile");
        Assert.Equal(1, stats.GetProperty("total").GetInt64());
        var counters = await fleet.GetJsonAsync("/api/v1/ingest/counters");
        Assert.Equal(3, counters.GetProperty("rejectedEvents").GetInt64());
        Assert.Equal(3, counters.GetProperty("rejectedByDevice").GetProperty("dev-hostile").GetProperty("level-out-of-scale").GetInt64());
        var conflicts = await fleet.GetJsonAsync("/api/v1/ingest/conflicts");
        Assert.Equal(1, conflicts.GetProperty("byDevice").GetProperty("dev-hostile").GetInt64());
        Assert.Equal(3, conflicts.GetProperty("latest")[0].GetProperty("seq").GetInt64());
    }

    /// <summary>
    /// The open mode's own test: only there may a client subscribe to every device's events (with authentication on,
    /// the ACL refuses it, see DeviceAuthTests), and even then the fleet consumes them instead of routing them.
    /// </summary>
    [Fact]
    public async Task In_open_mode_events_are_consumed_by_the_fleet_not_routed_to_subscribers()
    {
        using var fleet = await FleetStart.StartOpenFleetAsync(_data.Path);
        await using var listener = await TestDevice.ConnectAsync(fleet.MqttPort, "listener", subscribeToAcks: false);
        await listener.SubscribeAsync(Topics.AllEvents);
        await using var device = await TestDevice.ConnectAsync(fleet.MqttPort, "dev-quiet");

        var result = await device.PublishEventsAsync(Events.Ratings(1, 2));
        await device.WaitForAckAsync(2);
        await Task.Delay(300);

        // Success, not "no matching subscribers": the PUBACK says the fleet took the batch.
        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
        Assert.Empty(listener.ReceivedTopics);
    }

    [Fact]
    public async Task Gap_holds_the_ack_until_it_is_filled()
    {
        using var fleet = await FleetStart.StartFleetAsync(_data.Path);
        await using var device = await fleet.ProvisionAndConnectAsync("dev-gap");

        await device.PublishEventsAsync(Events.Ratings(1, 3));
        await device.PublishEventsAsync(Events.Ratings(6, 8));
        Assert.Equal(3, await device.WaitForAckAsync(3));
        var gapped = (await fleet.DeviceAsync("dev-gap"))!.Value;
        Assert.Equal((3L, 8L, 2L), (gapped.GetProperty("upTo").GetInt64(), gapped.GetProperty("highestSeq").GetInt64(), gapped.GetProperty("missing").GetInt64()));

        await device.PublishEventsAsync(Events.Ratings(4, 5));

        Assert.Equal(8, await device.WaitForAckAsync(8));
        fleet.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Malformed_oversized_and_mismatched_payloads_are_refused_and_counted_and_the_fleet_keeps_serving()
    {
        using var fleet = await FleetStart.StartFleetAsync(_data.Path);
        await using var device = await fleet.ProvisionAndConnectAsync("dev-bad");
        var oversized = JsonSerializer.SerializeToUtf8Bytes(
            new EventBatch("dev-bad", [Events.Rating(1, 4) with { Detail = new string('x', WireLimits.MaxEventsPayloadBytes) }]),
            WireJson.Default.EventBatch);
        var otherDevice = JsonSerializer.SerializeToUtf8Bytes(new EventBatch("dev-other", Events.Ratings(1, 2)), WireJson.Default.EventBatch);
        var tooMany = JsonSerializer.SerializeToUtf8Bytes(new EventBatch("dev-bad", Events.Ratings(1, WireLimits.MaxEventsPerBatch + 1)), WireJson.Default.EventBatch);
        var seqZero = JsonSerializer.SerializeToUtf8Bytes(new EventBatch("dev-bad", [Events.Rating(0, 4)]), WireJson.Default.EventBatch);

        var malformed = await device.PublishRawAsync(Encoding.UTF8.GetBytes("{\"deviceId\": \"dev-bad\", \"events\": [ nope"));
        var notABatch = await device.PublishRawAsync(Encoding.UTF8.GetBytes("[1, 2, 3]"));
        var tooBig = await device.PublishRawAsync(oversized);
        var mismatch = await device.PublishRawAsync(otherDevice);
        var overCount = await device.PublishRawAsync(tooMany);
        var badSeq = await device.PublishRawAsync(seqZero);

        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, malformed.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, notABatch.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.QuotaExceeded, tooBig.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, mismatch.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.QuotaExceeded, overCount.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, badSeq.ReasonCode);

        var good = await device.PublishEventsAsync(Events.Ratings(1, 3));
        Assert.Equal(MqttClientPublishReasonCode.Success, good.ReasonCode);
        Assert.Equal(3, await device.WaitForAckAsync(3));

        var rejected = (await fleet.GetJsonAsync("/api/v1/ingest/counters")).GetProperty("rejected");
        Assert.Equal(2, rejected.GetProperty("malformed").GetInt64());
        Assert.Equal(1, rejected.GetProperty("oversized").GetInt64());
        Assert.Equal(1, rejected.GetProperty("device-mismatch").GetInt64());
        Assert.Equal(1, rejected.GetProperty("too-many-events").GetInt64());
        Assert.Equal(1, rejected.GetProperty("invalid-seq").GetInt64());
        Assert.Null(await fleet.DeviceAsync("dev-other"));
        Assert.Equal(3, (await fleet.GetJsonAsync("/api/v1/stats/ratings")).GetProperty("total").GetInt64());
        fleet.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Device_coming_online_after_a_fleet_restart_gets_its_current_ack()
    {
        DeviceCredentials credentials;
        using (var before = await FleetStart.StartFleetAsync(_data.Path))
        {
            credentials = await before.ProvisionAsync(FleetRunner.DefaultCentre, "c1", "dev-back");
            await using var device = await TestDevice.ConnectAsync(before.MqttPort, credentials);
            await device.PublishEventsAsync(Events.Ratings(1, 7));
            await device.WaitForAckAsync(7);
            before.Kill();
        }

        // Retained acks live in the broker's memory: after the restart only the status can bring the ack back.
        using var after = await FleetStart.StartFleetAsync(_data.Path);
        // The registry is on disk: the secret provisioning gave the device still lets it in.
        await using var reconnected = await TestDevice.ConnectAsync(after.MqttPort, credentials);
        await Task.Delay(300);
        Assert.Empty(reconnected.Acks);

        await reconnected.PublishStatusAsync(online: true, session: "s2");

        Assert.Equal(7, await reconnected.WaitForAckAsync(7));
        after.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Device_reconnecting_to_the_embedded_broker_gets_its_ack_from_its_online_status_not_a_retained_copy()
    {
        using var fleet = await FleetStart.StartFleetAsync(_data.Path);
        var credentials = await fleet.ProvisionAsync(FleetRunner.DefaultCentre, "c1", "dev-again");
        await using (var device = await TestDevice.ConnectAsync(fleet.MqttPort, credentials))
        {
            await device.PublishEventsAsync(Events.Ratings(1, 4));
            Assert.Equal(4, await device.WaitForAckAsync(4));

            // The fleet answers "online" in the background: wait for that answer here, or a slow one reaches the next
            // session (same client id, already subscribed) and looks like a retained copy.
            var acksBefore = device.Acks.Count;
            await device.PublishStatusAsync(online: true, session: "s1");
            await Eventually.TrueAsync(() => Task.FromResult(device.Acks.Count > acksBefore), TimeSpan.FromSeconds(20), "the fleet's answer to s1 online");
        }

        // MQTTnet 5.2 ends a connection by removing its client, then deleting the session of that client id: a client
        // that connects with the same id in between has its new session deleted and is cut off (a real device connects
        // again; this test client would not). The fleet shows the device offline once MQTTnet has finished with it.
        await Eventually.TrueAsync(
            async () => (await fleet.DeviceAsync("dev-again"))?.GetProperty("online").GetBoolean() == false, TimeSpan.FromSeconds(20), "dev-again offline");

        // The embedded broker keeps no retained ack (each one made every SUBSCRIBE scan it): the subscription alone brings nothing.
        await using var reconnected = await TestDevice.ConnectAsync(fleet.MqttPort, credentials);
        await Task.Delay(300);
        Assert.Empty(reconnected.Acks);

        await reconnected.PublishStatusAsync(online: true, session: "s2");

        Assert.Equal(4, await reconnected.WaitForAckAsync(4));
        fleet.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Many_devices_publishing_at_once_are_all_stored_in_fewer_commits_than_batches()
    {
        using var fleet = await FleetStart.StartFleetAsync(_data.Path);
        const int devices = 20;
        const int batches = 10;
        const int perBatch = 50;
        var clients = await Task.WhenAll(Enumerable.Range(0, devices).Select(d => fleet.ProvisionAndConnectAsync($"dev-{d:D2}")));
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            await Task.WhenAll(clients.Select(async c =>
            {
                for (var b = 0; b < batches; b++)
                {
                    var result = await c.PublishEventsAsync(Events.Ratings((b * perBatch) + 1, (b + 1) * perBatch));
                    Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
                }

                await c.WaitForAckAsync(batches * perBatch);
            }));
            started.Stop();

            var counters = await fleet.GetJsonAsync("/api/v1/ingest/counters");
            Assert.Equal(devices * batches, counters.GetProperty("batches").GetInt64());
            Assert.True(counters.GetProperty("commits").GetInt64() < devices * batches, counters.ToString());
            Assert.Equal(devices * batches * perBatch, (await fleet.GetJsonAsync("/api/v1/stats/ratings")).GetProperty("total").GetInt64());
            Console.WriteLine(
                $"fleet ingest: {devices * batches * perBatch} events from {devices} devices in {started.Elapsed.TotalMilliseconds:F0} ms " +
                $"({devices * batches * perBatch / started.Elapsed.TotalSeconds:F0} events/s acked), " +
                $"{devices * batches} batches in {counters.GetProperty("commits").GetInt64()} commits");
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }

        fleet.AssertNoErrorsLogged();
    }
}
