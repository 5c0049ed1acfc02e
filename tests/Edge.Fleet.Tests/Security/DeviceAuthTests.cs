using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;
using Edge.Wire;
using MQTTnet;

namespace Edge.Fleet.Tests.Security;

/// <summary>
/// The embedded broker against real MQTTnet clients, the fleet a real process with device authentication required
/// (its default): credentials, the per-device topic ACL, retiring, replacing, claim codes.
/// </summary>
public sealed class DeviceAuthTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("device-auth");
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
    public async Task Wrong_secret_unknown_device_and_borrowed_client_id_are_refused()
    {
        var a = await _fleet.ProvisionAsync("centre-a", "1", "auth-a");
        var b = await _fleet.ProvisionAsync("centre-a", "2", "auth-b");

        await AssertRefusedAsync(a.DeviceId, a.DeviceId, a.Secret + "x", MqttClientConnectResultCode.BadUserNameOrPassword);
        await AssertRefusedAsync(a.DeviceId, a.DeviceId, "", MqttClientConnectResultCode.BadUserNameOrPassword);
        await AssertRefusedAsync(a.DeviceId, a.DeviceId, b.Secret, MqttClientConnectResultCode.BadUserNameOrPassword);
        await AssertRefusedAsync("nobody", "nobody", a.Secret, MqttClientConnectResultCode.BadUserNameOrPassword);
        // B's credentials with A's client id: would take over A's session and topics.
        await AssertRefusedAsync(a.DeviceId, b.DeviceId, b.Secret, MqttClientConnectResultCode.BadUserNameOrPassword);
        await AssertRefusedAsync("edge-fleet", "edge-fleet", "", MqttClientConnectResultCode.BadUserNameOrPassword);
        await AssertRefusedAsync(a.DeviceId, null, null, MqttClientConnectResultCode.BadUserNameOrPassword);

        await using var good = await MqttProbe.ConnectAsDeviceAsync(_fleet.MqttPort, a.DeviceId, a.Secret);
        var refused = (await CountersAsync()).GetProperty("connectRefused");
        Assert.Equal(7, refused.EnumerateObject().Sum(p => p.Value.GetInt64()));
    }

    [Fact]
    public async Task A_device_may_not_publish_or_subscribe_under_another_devices_topics()
    {
        var a = await _fleet.ProvisionAsync("centre-a", "1", "acl-a");
        var b = await _fleet.ProvisionAsync("centre-a", "2", "acl-b");
        await using var probe = await MqttProbe.ConnectAsDeviceAsync(_fleet.MqttPort, a.DeviceId, a.Secret);

        // Forged events for B, on B's topic and inside A's topic, and a forged ack / config for A itself.
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await probe.PublishRatingsAsync(b.DeviceId, b.DeviceId, 1, 5, "2"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await probe.PublishAsync(Topics.Status(b.DeviceId), "{}"u8.ToArray()));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await probe.PublishAsync(Topics.Ack(b.DeviceId), "{\"upTo\":99}"u8.ToArray()));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await probe.PublishAsync(Topics.Ack(a.DeviceId), "{\"upTo\":99}"u8.ToArray()));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await probe.PublishAsync(Topics.Config(a.DeviceId), "{}"u8.ToArray()));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await probe.PublishAsync("$SYS/edge", "x"u8.ToArray()));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await probe.PublishAsync("elsewhere/chat", "x"u8.ToArray()));
        // Events on A's own topic naming B in the body are refused by ingest (device mismatch).
        Assert.NotEqual(MqttClientPublishReasonCode.Success, await probe.PublishRatingsAsync(a.DeviceId, b.DeviceId, 1, 5, "2"));

        foreach (var filter in new[] { Topics.Ack(b.DeviceId), "edge/v1/+/ack", "edge/v1/#", "#", "+/+/+/events", "$SYS/#" })
        {
            Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await probe.SubscribeAsync(filter));
        }

        // MQTTnet refuses shared subscriptions itself, before the ACL sees them.
        Assert.Equal(MqttClientSubscribeResultCode.SharedSubscriptionsNotSupported, await probe.SubscribeAsync("$share/g/edge/v1/+/events"));

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await probe.SubscribeAsync(Topics.Ack(a.DeviceId)));
        Assert.Equal(MqttClientPublishReasonCode.Success, await probe.PublishRatingsAsync(a.DeviceId, a.DeviceId, 1, 4, "1"));

        var counters = await CountersAsync();
        Assert.Equal(7, counters.GetProperty("publishRefused").GetInt64());
        Assert.Equal(6, counters.GetProperty("subscribeRefused").GetInt64());
        Assert.Null(await _fleet.DeviceAsync(b.DeviceId));
        var stored = await _fleet.DeviceAsync(a.DeviceId);
        Assert.Equal(4, stored!.Value.GetProperty("upTo").GetInt64());
    }

    [Fact]
    public async Task A_will_message_on_another_devices_topic_is_refused_when_the_connection_drops()
    {
        var a = await _fleet.ProvisionAsync("centre-a", "6", "will-a");
        var b = await _fleet.ProvisionAsync("centre-a", "7", "will-b");
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _fleet.MqttPort)
            .WithClientId(a.DeviceId)
            .WithCredentials(a.DeviceId, a.Secret)
            .WithWillTopic(Topics.Status(b.DeviceId))
            .WithWillPayload(JsonSerializer.SerializeToUtf8Bytes(new DeviceStatus(true, "forged", DateTimeOffset.UtcNow), WireJson.Default.DeviceStatus))
            .WithWillRetain(true)
            .Build();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            Assert.Equal(MqttClientConnectResultCode.Success, (await client.ConnectAsync(options, timeout.Token)).ResultCode);
        }

        // Retiring A closes its connection without a DISCONNECT, which makes the broker publish the will.
        using var retire = await _fleet.Http.PostAsync($"/api/v1/devices/{a.DeviceId}/retire", null);
        await Eventually.TrueAsync(() => Task.FromResult(!client.IsConnected), TimeSpan.FromSeconds(5), "A to be cut off");
        await Eventually.TrueAsync(
            async () => (await CountersAsync()).GetProperty("publishRefused").GetInt64() >= 1, TimeSpan.FromSeconds(5), "the will to be refused");
        Assert.Null(await _fleet.DeviceAsync(b.DeviceId));
        client.Dispose();
    }

    [Fact]
    public async Task Retired_device_is_disconnected_within_seconds_and_cannot_come_back()
    {
        var a = await _fleet.ProvisionAsync("centre-a", "3", "retire-a");
        await using var probe = await MqttProbe.ConnectAsDeviceAsync(_fleet.MqttPort, a.DeviceId, a.Secret);

        using var response = await _fleet.Http.PostAsync($"/api/v1/devices/{a.DeviceId}/retire", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(!probe.IsConnected), TimeSpan.FromSeconds(5), "the retired device's connection to be closed");

        await AssertRefusedAsync(a.DeviceId, a.DeviceId, a.Secret, MqttClientConnectResultCode.NotAuthorized);
        var counters = await CountersAsync();
        Assert.Equal(1, counters.GetProperty("disconnected").GetInt64());
        var audit = await _fleet.GetJsonAsync("/api/v1/audit?action=device.retired");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("subject").GetString() == a.DeviceId);
    }

    [Fact]
    public async Task Replaced_device_still_hands_in_its_events_but_gets_no_configuration()
    {
        var old = await _fleet.ProvisionAsync("centre-a", "4", "replace-old");
        using var replace = await _fleet.Http.PostAsync($"/api/v1/devices/{old.DeviceId}/replace", null);
        var code = (await replace.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
        using var anonymous = new HttpClient { BaseAddress = _fleet.Http.BaseAddress };
        using var provisioned = await anonymous.PostAsJsonAsync("/api/v1/provision", new { code });
        var successor = await provisioned.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("4", successor.GetProperty("counter").GetString());

        var registry = await _fleet.GetJsonAsync("/api/v1/registry?centre=centre-a");
        var oldView = registry.EnumerateArray().Single(d => d.GetProperty("id").GetString() == old.DeviceId);
        Assert.Equal("replaced-by", oldView.GetProperty("status").GetString());
        Assert.Equal(successor.GetProperty("deviceId").GetString(), oldView.GetProperty("replacedBy").GetString());

        await using var probe = await MqttProbe.ConnectAsDeviceAsync(_fleet.MqttPort, old.DeviceId, old.Secret);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await probe.SubscribeAsync(Topics.Ack(old.DeviceId)));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await probe.SubscribeAsync(Topics.Config(old.DeviceId)));
        Assert.Equal(MqttClientPublishReasonCode.Success, await probe.PublishRatingsAsync(old.DeviceId, old.DeviceId, 1, 8, "4"));
        Assert.Equal(8, (await _fleet.DeviceAsync(old.DeviceId))!.Value.GetProperty("upTo").GetInt64());
    }

    [Fact]
    public async Task Claim_code_provisions_once_and_unknown_codes_are_refused_clearly()
    {
        var code = await _fleet.EnrolAsync("centre-a", "5");
        using var anonymous = new HttpClient { BaseAddress = _fleet.Http.BaseAddress };

        using var first = await anonymous.PostAsJsonAsync("/api/v1/provision", new { code = code.ToLowerInvariant().Replace("-", " ") });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var again = await anonymous.PostAsJsonAsync("/api/v1/provision", new { code });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("used", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
        using var unknown = await anonymous.PostAsJsonAsync("/api/v1/provision", new { code = "ABCD-EFGH" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var garbage = await anonymous.PostAsJsonAsync("/api/v1/provision", new { code = "' OR 1=1 --" });
        Assert.Equal(HttpStatusCode.NotFound, garbage.StatusCode);

        var refused = (await CountersAsync()).GetProperty("provisionRefused");
        Assert.Equal(1, refused.GetProperty("used").GetInt64());
        Assert.Equal(2, refused.GetProperty("unknown").GetInt64());
    }

    private async Task AssertRefusedAsync(string clientId, string? user, string? password, MqttClientConnectResultCode expected)
    {
        var (probe, result) = await MqttProbe.ConnectAsync(_fleet.MqttPort, clientId, user, password);
        await using (probe)
        {
            Assert.Equal(expected, result);
            Assert.False(probe.IsConnected);
        }
    }

    private Task<JsonElement> CountersAsync() => _fleet.GetJsonAsync("/api/v1/security/counters");
}

/// <summary>Claim codes that expire, and provisioning attempts limited per address; a fleet of their own settings.</summary>
public sealed class ClaimCodeLimitsTests : IDisposable
{
    private readonly TempFolder _folder = new("claim-limits");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Expired_claim_code_is_refused_and_guessing_is_rate_limited()
    {
        using var fleet = new FleetRunner(_folder["fleet"], "--Provisioning:ClaimCodeLifetime=00:00:02", "--Provisioning:AttemptsPerMinute=3");
        await fleet.StartAsync();
        var code = await fleet.EnrolAsync("centre-a", "1");
        await Task.Delay(TimeSpan.FromSeconds(3));

        using var anonymous = new HttpClient { BaseAddress = fleet.Http.BaseAddress };
        using var expired = await anonymous.PostAsJsonAsync("/api/v1/provision", new { code });
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Equal("expired", (await expired.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var guess = await anonymous.PostAsJsonAsync("/api/v1/provision", new { code = $"AAAA-AAA{i + 2}" });
            statuses.Add(guess.StatusCode);
        }

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], statuses);
        // Password guessing shares the per-address budget.
        using var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { name = "admin", password = "guess-guess-guess" });
        Assert.Equal(HttpStatusCode.TooManyRequests, login.StatusCode);
        var counters = await fleet.GetJsonAsync("/api/v1/security/counters");
        Assert.Equal(2, counters.GetProperty("provisionRefused").GetProperty("rate-limited").GetInt64());
    }
}
