using Edge.Fleet.Alerts;
using Edge.Fleet.Store.Leadership;
using Edge.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Tests.Alerts;

public sealed class AlertNoticeSenderTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private readonly TempFolder _folder = new("notice-sender");
    private readonly LiteAlertStore _store;
    private readonly WebhookReceiver _receiver = new(listen: false);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly Leadership _leadership = new() { IsLeader = true };
    private readonly AlertNoticeSender _sender;

    public AlertNoticeSenderTests()
    {
        _store = new LiteAlertStore(_folder["alerts.db"]);
        var webhook = new AlertWebhook(new HttpClient(), Options.Create(new AlertOptions { WebhookUrl = _receiver.Url }));
        _sender = new AlertNoticeSender(_store, webhook, _leadership, _time, NullLogger<AlertNoticeSender>.Instance);
    }

    public void Dispose()
    {
        _receiver.Dispose();
        _sender.Dispose();
        _store.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_notice_the_receiver_did_not_take_is_sent_again_after_its_backoff_and_then_marked_sent()
    {
        await OpenAsync("dev-1");

        Assert.Equal(0, await _sender.SendDueAsync(default));
        var failed = Assert.Single(await _store.NoticesAsync(10, default));
        Assert.Equal((NoticeStates.Pending, 1), (failed.State, failed.Attempts));
        Assert.NotNull(failed.LastError);

        _receiver.Start();
        _time.SetUtcNow(T0 + AlertNoticeSender.Backoff(1) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await _sender.SendDueAsync(default));
        Assert.Empty(_receiver.Notices);

        _time.SetUtcNow(T0 + AlertNoticeSender.Backoff(1));
        Assert.Equal(1, await _sender.SendDueAsync(default));
        Assert.Equal(0, await _sender.SendDueAsync(default));

        Assert.Equal("dev-1", Assert.Single(_receiver.Notices).Alert.DeviceId);
        var sent = Assert.Single(await _store.NoticesAsync(10, default));
        Assert.Equal((NoticeStates.Sent, 2), (sent.State, sent.Attempts));
    }

    [Fact]
    public async Task A_node_that_does_not_lead_sends_nothing()
    {
        _receiver.Start();
        await OpenAsync("dev-1");
        _leadership.IsLeader = false;

        Assert.Equal(0, await _sender.SendDueAsync(default));

        Assert.Empty(_receiver.Notices);
        Assert.Equal(0, Assert.Single(await _store.NoticesAsync(10, default)).Attempts);
    }

    [Fact]
    public async Task Notices_are_sent_oldest_first_across_batches()
    {
        _receiver.Start();
        for (var i = 0; i < 25; i++)
        {
            var alert = Alert.Open(new AlertCondition(AlertKinds.DiskLow, Severities.Warning, $"dev-{i:00}", null, null, "low"), T0.AddSeconds(i));
            await _store.TryOpenAsync(alert, notify: true, default);
        }

        _time.SetUtcNow(T0.AddMinutes(1));
        Assert.Equal(25, await _sender.SendDueAsync(default));

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"dev-{i:00}"), _receiver.Notices.Select(n => n.Alert.DeviceId));
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(5, 80)]
    [InlineData(20, 600)]
    public void Backoff_doubles_from_five_seconds_up_to_ten_minutes(int attempts, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), AlertNoticeSender.Backoff(attempts));

    private Task OpenAsync(string device) =>
        _store.TryOpenAsync(Alert.Open(new AlertCondition(AlertKinds.DeviceOffline, Severities.Critical, device, "7", null, "offline"), T0), notify: true, default);

    private sealed class Leadership : IFleetLeadership
    {
        public bool IsLeader { get; set; }
    }
}
