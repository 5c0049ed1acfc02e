using Edge.Fleet.Tests.Support;
using Edge.Fleet.Alerts;
using Edge.Testing;

namespace Edge.Fleet.Tests.Alerts;

/// <summary>The alert store contract on the embedded LiteDB file, plus what only a file has to show.</summary>
public sealed class LiteAlertStoreTests : AlertStoreContract, IDisposable
{
    private readonly TempFolder _folder = new("lite-alerts");

    protected override Task<IAlertStore> CreateStoreAsync() => Task.FromResult<IAlertStore>(new LiteAlertStore(_folder["alerts.db"]));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Open_alerts_and_queued_notices_survive_reopening_the_file()
    {
        var alert = Offline("dev-1", Now);
        await Store.TryOpenAsync(alert, notify: true, default);
        ((IDisposable)Store).Dispose();

        using var reopened = new LiteAlertStore(_folder["alerts.db"]);

        Assert.Equal(alert, Assert.Single(await reopened.OpenAlertsAsync(default)));
        Assert.False(await reopened.TryOpenAsync(Offline("dev-1", Now.AddMinutes(1)), notify: true, default));
        Assert.Single(await reopened.ClaimDueNoticesAsync(Now, ClaimFor, 10, default));
    }

    [Fact]
    public async Task On_a_full_disk_a_transition_and_its_notices_are_refused_naming_the_alert_store_then_committed_without_a_restart()
    {
        var outage = new FullDiskOutage();
        using var store = new LiteAlertStore("alerts.db", outage.Outages, outage.Opening);
        var first = Offline("dev-1", Now, centre: "hn-01");
        var second = Offline("dev-2", Now.AddMinutes(1), centre: "hn-01");
        var mails = new AlertOutbox(true, [new MailTo("lan", "lan@hn.test", Now)]);
        Assert.True(await store.TryOpenAsync(first, mails, default));

        await outage.ShowsOutageAndRecoveryAsync(
            "alert",
            async () => Assert.True(await store.TryOpenAsync(second, mails, default)),
            async () =>
            {
                string[] both = [.. new[] { first.Id, second.Id }.Order(StringComparer.Ordinal)];
                Assert.Equal(both, (await store.OpenAlertsAsync(default)).Select(a => a.Id).Order(StringComparer.Ordinal));
                var notices = await store.ClaimDueNoticesAsync(Now.AddMinutes(2), ClaimFor, 10, default);
                Assert.Equal(both, notices.Select(n => n.Notice.Alert.Id).Order(StringComparer.Ordinal));
                Assert.Equal(2, (await store.ClaimDueMailsAsync(Now.AddMinutes(2), ClaimFor, 10, default)).Count);
            },
            () => store.OpenAlertsAsync(default),
            () => store.ClaimDueNoticesAsync(Now.AddMinutes(2), ClaimFor, 10, default),
            () => store.TryResolveAsync(first.Id, Now.AddMinutes(2), null, null, AlertOutbox.None, default));
    }
}
