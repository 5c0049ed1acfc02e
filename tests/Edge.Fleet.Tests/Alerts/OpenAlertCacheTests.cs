using Edge.Fleet.Alerts;
using Edge.Testing;

namespace Edge.Fleet.Tests.Alerts;

public sealed class OpenAlertCacheTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private readonly TempFolder _folder = new("open-alert-cache");
    private readonly LiteAlertStore _store;
    private readonly FakeTimeProvider _time = new();
    private readonly OpenAlertCache _cache;

    public OpenAlertCacheTests()
    {
        _store = new LiteAlertStore(_folder["alerts.db"]);
        _cache = new OpenAlertCache(_store, _time);
    }

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Another_nodes_alert_shows_once_the_copy_is_older_than_its_maximum_age()
    {
        Assert.Empty(await _cache.ReadAsync(default));
        await _store.TryOpenAsync(Offline("dev-1"), notify: false, default);

        _time.Advance(OpenAlertCache.MaxAge - TimeSpan.FromMilliseconds(1));
        Assert.Empty(await _cache.ReadAsync(default));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Single(await _cache.ReadAsync(default));
    }

    [Fact]
    public async Task This_nodes_own_change_shows_at_once()
    {
        Assert.Empty(await _cache.ReadAsync(default));
        await _store.TryOpenAsync(Offline("dev-1"), notify: false, default);

        _cache.Invalidate();

        Assert.Single(await _cache.ReadAsync(default));
    }

    private static Alert Offline(string device) =>
        Alert.Open(new AlertCondition(AlertKinds.DeviceOffline, Severities.Critical, device, "7", null, "offline"), Now);
}
