using Edge.Fleet.Alerts;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Tests.Alerts;

public sealed class AlertBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly AlertCondition PaperOut = new(AlertKinds.PrinterPaperOut, Severities.Critical, "kiosk-1", null, null, "printer paper-out");

    private readonly MemoryAlertStore _store = new();
    private readonly AlertBook _book;

    public AlertBookTests()
    {
        var webhook = new AlertWebhook(new HttpClient(), Options.Create(new AlertOptions()), NullLogger<AlertWebhook>.Instance);
        _book = new AlertBook(_store, webhook, NullLogger<AlertBook>.Instance);
    }

    [Fact]
    public async Task A_condition_opens_an_alert_once_and_its_absence_resolves_it()
    {
        await _book.ApplyAsync([PaperOut], Now, default);
        await _book.ApplyAsync([PaperOut], Now.AddSeconds(1), default);
        Assert.Single(_book.Open());

        await _book.ApplyAsync([], Now.AddSeconds(2), default);

        Assert.Empty(_book.Open());
        var saved = Assert.Single(_store.Alerts.Values);
        Assert.Equal(Now, saved.OpenedAt);
        Assert.Equal(Now.AddSeconds(2), saved.ResolvedAt);
    }

    [Fact]
    public async Task A_condition_with_a_hold_time_opens_only_after_it()
    {
        var gap = new AlertCondition(AlertKinds.SequenceGap, Severities.Warning, "dev", null, null, "3 missing", TimeSpan.FromMinutes(30));

        await _book.ApplyAsync([gap], Now, default);
        await _book.ApplyAsync([gap], Now.AddMinutes(29), default);
        Assert.Empty(_book.Open());

        await _book.ApplyAsync([gap], Now.AddMinutes(30), default);
        Assert.Single(_book.Open());
    }

    [Fact]
    public async Task A_gap_that_fills_in_before_its_hold_time_never_opens()
    {
        var gap = new AlertCondition(AlertKinds.SequenceGap, Severities.Warning, "dev", null, null, "3 missing", TimeSpan.FromMinutes(30));

        await _book.ApplyAsync([gap], Now, default);
        await _book.ApplyAsync([], Now.AddMinutes(10), default);
        await _book.ApplyAsync([gap], Now.AddMinutes(35), default);

        Assert.Empty(_book.Open());
        Assert.Empty(_store.Alerts);
    }

    [Fact]
    public async Task Open_alerts_survive_a_restart_and_resolve_afterwards()
    {
        await _book.ApplyAsync([PaperOut], Now, default);
        var restarted = new AlertBook(_store, new AlertWebhook(new HttpClient(), Options.Create(new AlertOptions()), NullLogger<AlertWebhook>.Instance), NullLogger<AlertBook>.Instance);

        await restarted.LoadAsync(default);
        await restarted.ApplyAsync([PaperOut], Now.AddMinutes(1), default);
        Assert.Single(restarted.Open());
        Assert.Single(_store.Alerts);

        await restarted.ApplyAsync([], Now.AddMinutes(2), default);
        Assert.NotNull(Assert.Single(_store.Alerts.Values).ResolvedAt);
    }

    private sealed class MemoryAlertStore : IAlertStore
    {
        public Dictionary<string, Alert> Alerts { get; } = [];

        public Task<IReadOnlyList<Alert>> OpenAlertsAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Alert>>(Alerts.Values.Where(a => a.IsOpen).ToList());

        public Task SaveAsync(Alert alert, CancellationToken cancellationToken)
        {
            Alerts[alert.Id] = alert;
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<Alert>> HistoryAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Alert>>([.. Alerts.Values]);

        public Task<IReadOnlyDictionary<string, AlertRuleSettings>> CentreRulesAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, AlertRuleSettings>>(new Dictionary<string, AlertRuleSettings>());

        public Task SaveCentreRulesAsync(string centre, AlertRuleSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
