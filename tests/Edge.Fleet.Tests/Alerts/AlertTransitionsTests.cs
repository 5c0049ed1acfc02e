using Edge.Fleet.Alerts;
using Edge.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Tests.Alerts;

public sealed class AlertTransitionsTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly AlertCondition PaperOut = new(AlertKinds.PrinterPaperOut, Severities.Critical, "kiosk-1", null, null, "printer paper-out");

    private readonly TempFolder _folder = new("alert-book");
    private readonly LiteAlertStore _store;

    public AlertTransitionsTests() => _store = new LiteAlertStore(_folder["alerts.db"]);

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_condition_opens_an_alert_once_and_its_absence_resolves_it()
    {
        var book = Book(webhookUrl: "http://127.0.0.1:9/hook");

        var first = await ApplyAsync(book, [PaperOut], Now);
        var second = await ApplyAsync(book, [PaperOut], Now.AddSeconds(1));
        Assert.Single(first.Opened);
        Assert.Empty(second.Opened);
        Assert.Single(await _store.OpenAlertsAsync(default));

        var third = await ApplyAsync(book, [], Now.AddSeconds(2));

        Assert.Single(third.Resolved);
        Assert.Empty(await _store.OpenAlertsAsync(default));
        var saved = Assert.Single(await _store.HistoryAsync(Now.AddDays(-1), 10, default));
        Assert.Equal((Now, Now.AddSeconds(2)), (saved.OpenedAt, saved.ResolvedAt));
        Assert.Equal([NoticeEvents.Resolved, NoticeEvents.Opened], (await _store.NoticesAsync(10, default)).Select(n => n.Event));
    }

    [Fact]
    public async Task Without_a_webhook_no_notice_is_queued()
    {
        var book = Book(webhookUrl: null);

        await ApplyAsync(book, [PaperOut], Now);
        await ApplyAsync(book, [], Now.AddSeconds(1));

        Assert.Empty(await _store.NoticesAsync(10, default));
    }

    [Fact]
    public async Task A_condition_with_a_hold_time_opens_only_after_it()
    {
        var book = Book();
        var gap = new AlertCondition(AlertKinds.SequenceGap, Severities.Warning, "dev", null, null, "3 missing", TimeSpan.FromMinutes(30));

        await ApplyAsync(book, [gap], Now);
        await ApplyAsync(book, [gap], Now.AddMinutes(29));
        Assert.Empty(await _store.OpenAlertsAsync(default));

        await ApplyAsync(book, [gap], Now.AddMinutes(30));
        Assert.Single(await _store.OpenAlertsAsync(default));
        Assert.Empty(await _store.HoldsAsync(default));
    }

    [Fact]
    public async Task A_hold_started_by_one_node_is_continued_by_the_next()
    {
        var gap = new AlertCondition(AlertKinds.SequenceGap, Severities.Warning, "dev", null, null, "3 missing", TimeSpan.FromMinutes(30));

        await ApplyAsync(Book(), [gap], Now);
        await ApplyAsync(Book(), [gap], Now.AddMinutes(30));

        Assert.Equal(Now.AddMinutes(30), Assert.Single(await _store.OpenAlertsAsync(default)).OpenedAt);
    }

    [Fact]
    public async Task A_gap_that_fills_in_before_its_hold_time_never_opens()
    {
        var book = Book();
        var gap = new AlertCondition(AlertKinds.SequenceGap, Severities.Warning, "dev", null, null, "3 missing", TimeSpan.FromMinutes(30));

        await ApplyAsync(book, [gap], Now);
        await ApplyAsync(book, [], Now.AddMinutes(10));
        await ApplyAsync(book, [gap], Now.AddMinutes(35));

        Assert.Empty(await _store.OpenAlertsAsync(default));
        Assert.Empty(await _store.HistoryAsync(Now.AddDays(-1), 10, default));
    }

    [Fact]
    public async Task Open_alerts_are_continued_by_a_new_book_and_resolve_once()
    {
        await ApplyAsync(Book(), [PaperOut], Now);
        var restarted = Book();

        await ApplyAsync(restarted, [PaperOut], Now.AddMinutes(1));
        Assert.Single(await _store.HistoryAsync(Now.AddDays(-1), 10, default));

        var changes = await ApplyAsync(restarted, [], Now.AddMinutes(2));
        Assert.Single(changes.Resolved);
        Assert.NotNull(Assert.Single(await _store.HistoryAsync(Now.AddDays(-1), 10, default)).ResolvedAt);
    }

    [Fact]
    public async Task A_book_working_from_a_stale_list_commits_nothing_twice()
    {
        var book = Book(webhookUrl: "http://127.0.0.1:9/hook");
        await ApplyAsync(book, [PaperOut], Now);
        var stale = await _store.OpenAlertsAsync(default);

        // Two nodes read the same open alerts, then both see the problem gone (and then both see it again).
        var a = await book.ApplyAsync([], stale, Now.AddMinutes(1), default);
        var b = await Book(webhookUrl: "http://127.0.0.1:9/hook").ApplyAsync([], stale, Now.AddMinutes(1), default);
        var c = await book.ApplyAsync([PaperOut], [], Now.AddMinutes(2), default);
        var d = await book.ApplyAsync([PaperOut], [], Now.AddMinutes(2), default);

        Assert.Equal((1, 0, 1, 0), (a.Resolved.Count, b.Resolved.Count, c.Opened.Count, d.Opened.Count));
        Assert.Equal(3, (await _store.NoticesAsync(10, default)).Count);
    }

    private async Task<AlertTransitions.Changes> ApplyAsync(AlertTransitions book, IReadOnlyList<AlertCondition> conditions, DateTimeOffset now) =>
        await book.ApplyAsync(conditions, await _store.OpenAlertsAsync(default), now, default);

    private AlertTransitions Book(string? webhookUrl = null)
    {
        var options = Options.Create(new AlertOptions { WebhookUrl = webhookUrl });
        return new AlertTransitions(_store, new AlertWebhook(new HttpClient(), options), new OpenAlertCache(_store, TimeProvider.System), NullLogger<AlertTransitions>.Instance);
    }
}
