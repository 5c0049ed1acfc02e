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
}
