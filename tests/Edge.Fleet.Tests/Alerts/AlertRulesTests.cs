using Edge.Fleet.Alerts;
using Edge.Fleet.Alerts.Rules;
using Edge.Fleet.Health;
using Edge.Fleet.Store;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Tests.Alerts;

public sealed class AlertRulesTests
{
    // Monday 2026-11-23 09:00 in Hà Nội (02:00 UTC): open; 22:00 there (15:00 UTC): closed.
    private static readonly DateTimeOffset MorningOpen = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Night = new(2026, 11, 23, 15, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("paper-out", AlertKinds.PrinterPaperOut)]
    [InlineData("cover-open", AlertKinds.PrinterCoverOpen)]
    [InlineData("offline", AlertKinds.PrinterOffline)]
    public async Task Printer_states_that_stop_tickets_raise_their_alert(string state, string kind)
    {
        var device = Device(online: true, printer: state);

        var conditions = await new PrinterRule().EvaluateAsync(Context(MorningOpen, device), default);

        Assert.Equal(kind, Assert.Single(conditions).Kind);
    }

    [Theory]
    [InlineData("ok")]
    [InlineData("paper-near-end")]
    [InlineData("unknown")]
    public async Task Printer_states_that_still_print_raise_nothing(string state)
    {
        Assert.Empty(await new PrinterRule().EvaluateAsync(Context(MorningOpen, Device(online: true, printer: state)), default));
    }

    [Fact]
    public async Task Faults_the_device_reports_raise_one_alert_each_and_none_without_faults()
    {
        var faulty = Device(online: true, faults: new Dictionary<string, string>
        {
            ["disk"] = "the outbox cannot write",
            ["storage-corrupt"] = "outbox.db quarantined",
            ["other"] = "something else",
        });

        var conditions = await new DeviceFaultRule().EvaluateAsync(Context(MorningOpen, faulty), default);

        Assert.Equal([AlertKinds.DeviceDisk, AlertKinds.DeviceFault, AlertKinds.StorageCorrupt], conditions.Select(c => c.Kind).Order(StringComparer.Ordinal));
        Assert.Contains(conditions, c => c.Kind == AlertKinds.DeviceDisk && c.Detail.Contains("cannot write", StringComparison.Ordinal));
        Assert.Empty(await new DeviceFaultRule().EvaluateAsync(Context(MorningOpen, Device(online: true)), default));
    }

    [Fact]
    public async Task Device_offline_longer_than_the_limit_alerts_during_opening_hours_only()
    {
        var device = Device(online: false, lastSeen: MorningOpen.AddMinutes(-11));
        var night = Device(online: false, lastSeen: Night.AddMinutes(-11));

        Assert.Single(await new DeviceOfflineRule().EvaluateAsync(Context(MorningOpen, device), default));
        Assert.Empty(await new DeviceOfflineRule().EvaluateAsync(Context(Night, night), default));
        Assert.Empty(await new DeviceOfflineRule().EvaluateAsync(Context(MorningOpen, Device(online: false, lastSeen: MorningOpen.AddMinutes(-9))), default));
    }

    [Fact]
    public async Task Offline_alert_already_open_stays_open_after_closing_time()
    {
        var device = Device(online: false, lastSeen: Night.AddHours(-5));
        var key = new AlertCondition(AlertKinds.DeviceOffline, Severities.Critical, "dev", "7", null, "").Key;

        Assert.Single(await new DeviceOfflineRule().EvaluateAsync(Context(Night, device, openKeys: new HashSet<string> { key }), default));
    }

    [Fact]
    public async Task Silent_counter_alerts_when_a_watched_counter_had_no_rating_for_the_window()
    {
        var store = new CountingStore(total: 0);
        var device = Device(online: true, uptimeS: 72 * 3600);

        var conditions = await new SilentCounterRule(store).EvaluateAsync(Context(MorningOpen, device), default);

        Assert.Equal(AlertKinds.CounterSilent, Assert.Single(conditions).Kind);
        // 09:00 Monday minus two opening hours: 07:30-09:00 on Monday, then Saturday from 11:00 local (04:00 UTC).
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 4, 0, 0, TimeSpan.Zero), store.LastFilter!.From);
        Assert.Equal("dev", store.LastFilter.DeviceId);
    }

    [Fact]
    public async Task Silent_counter_is_a_counter_of_its_centre_not_a_label_shared_across_centres()
    {
        // Counter "7" of centre A had no rating; counter "7" of centre B is busy. Only A's is silent.
        var quiet = Device(online: true, uptimeS: 72 * 3600) with { Id = "dev-a", Centre = "centre-a" };
        var busy = Device(online: true, uptimeS: 72 * 3600) with { Id = "dev-b", Centre = "centre-b" };
        var store = new CountingStore(total: 0) { PerDevice = { ["dev-b"] = 40 } };
        var context = new AlertContext(MorningOpen, [quiet, busy], new CentreRuleResolver(Options.Create(new AlertOptions())), new HashSet<string>());

        var conditions = await new SilentCounterRule(store).EvaluateAsync(context, default);

        var silent = Assert.Single(conditions);
        Assert.Equal(("centre-a", "7"), (silent.Centre, silent.Counter));
        Assert.NotEqual(silent.Key, (silent with { Centre = "centre-b" }).Key);
    }

    [Fact]
    public async Task Silent_counter_ignores_a_device_that_has_not_been_up_for_the_window()
    {
        var conditions = await new SilentCounterRule(new CountingStore(total: 0)).EvaluateAsync(Context(MorningOpen, Device(online: true, uptimeS: 600)), default);

        Assert.Empty(conditions);
    }

    private static AlertContext Context(DateTimeOffset now, DeviceHealth device, IReadOnlySet<string>? openKeys = null) =>
        new(now, [device], new CentreRuleResolver(Options.Create(new AlertOptions())), openKeys ?? new HashSet<string>());

    private static DeviceHealth Device(bool online, string? printer = null, DateTimeOffset? lastSeen = null, long uptimeS = 3600, Dictionary<string, string>? faults = null)
    {
        var report = new HealthReport
        {
            At = MorningOpen,
            UptimeS = uptimeS,
            ClockSynced = true,
            Peripherals = printer is null ? null : new Dictionary<string, string> { ["printer"] = printer },
            Faults = faults,
        };
        var seen = lastSeen ?? MorningOpen;
        return new DeviceHealth("dev", null, "7", new Liveness(online, online ? DeviceLiveness.Connected : DeviceLiveness.Disconnected, seen),
            new HealthSample("dev", seen, report), null);
    }

    private sealed class CountingStore(long total) : IEventStore
    {
        public RatingFilter? LastFilter { get; private set; }

        /// <summary>Ratings of particular devices (others have <c>total</c>).</summary>
        public Dictionary<string, long> PerDevice { get; } = new(StringComparer.Ordinal);

        public Task<RatingCounts> CountRatingsAsync(RatingFilter filter, CancellationToken cancellationToken)
        {
            LastFilter = filter;
            var count = filter.DeviceId is { } id && PerDevice.TryGetValue(id, out var own) ? own : total;
            return Task.FromResult(new RatingCounts(count == 0 ? new Dictionary<int, long>() : new Dictionary<int, long> { [4] = count }, count));
        }

        public Task<IReadOnlyDictionary<string, long>> AppendAsync(IReadOnlyList<EventBatch> batches, DateTimeOffset receivedAt, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<long> GetAckedUpToAsync(string deviceId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<DeviceSequence>> ListSequencesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<long> PlaceInTimeAsync(ClockAnchor anchor, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
