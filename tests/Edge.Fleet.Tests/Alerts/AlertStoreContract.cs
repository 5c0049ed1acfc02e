using Edge.Fleet.Alerts;

namespace Edge.Fleet.Tests.Alerts;

/// <summary>
/// What every <see cref="IAlertStore"/> must do, whatever engine is behind it. A store's test class derives from this
/// and says how to make a store on fresh, empty storage.
/// </summary>
public abstract class AlertStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan ClaimFor = TimeSpan.FromSeconds(30);

    private IAlertStore? _store;

    protected IAlertStore Store => _store ?? throw new InvalidOperationException("The store has not been created.");

    /// <summary>A store on fresh, empty storage, owned by this test (disposed after it when disposable).</summary>
    protected abstract Task<IAlertStore> CreateStoreAsync();

    public virtual async Task InitializeAsync() => _store = await CreateStoreAsync();

    public virtual async Task DisposeAsync()
    {
        switch (_store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    [Fact]
    public async Task An_opened_alert_is_listed_open_and_in_the_history()
    {
        var alert = Offline("dev-1", Now, centre: "hn-01");

        Assert.True(await Store.TryOpenAsync(alert, notify: false, default));

        Assert.Equal(alert, Assert.Single(await Store.OpenAlertsAsync(default)));
        Assert.Equal(alert, Assert.Single(await Store.HistoryAsync(Now.AddDays(-1), 10, default)));
    }

    [Fact]
    public async Task An_alert_keeps_its_parameters_for_pages_in_either_language_and_an_alert_without_them_reads_null()
    {
        var parameters = new Dictionary<string, string> { [AlertParameters.Events] = "120", [AlertParameters.OldestMinutes] = "14" };
        var backlog = Alert.Open(new AlertCondition(AlertKinds.OutboxBacklog, Severities.Warning, "dev-2", "7", "hn-01", "120 events waiting, oldest 14 min")
        {
            Parameters = parameters,
        }, Now);
        Assert.True(await Store.TryOpenAsync(backlog, notify: true, default));
        Assert.True(await Store.TryOpenAsync(Offline("dev-1", Now), notify: false, default));

        var open = await Store.OpenAlertsAsync(default);
        Assert.Equal(parameters, open.Single(a => a.Id == backlog.Id).Parameters);
        Assert.Null(open.Single(a => a.Id != backlog.Id).Parameters);
        Assert.Equal(parameters, (await Store.HistoryAsync(Now.AddDays(-1), 10, default)).Single(a => a.Id == backlog.Id).Parameters);
        Assert.Equal(parameters, Assert.Single(await Store.ClaimDueNoticesAsync(Now, ClaimFor, 10, default)).Notice.Alert.Parameters);
    }

    [Fact]
    public async Task A_second_alert_for_a_problem_already_open_is_refused_without_a_notice()
    {
        Assert.True(await Store.TryOpenAsync(Offline("dev-1", Now), notify: true, default));

        Assert.False(await Store.TryOpenAsync(Offline("dev-1", Now.AddSeconds(1)), notify: true, default));

        Assert.Single(await Store.OpenAlertsAsync(default));
        Assert.Single(await Store.NoticesAsync(10, default));
    }

    [Fact]
    public async Task An_alert_resolves_once_and_its_problem_may_then_open_again()
    {
        var first = Offline("dev-1", Now);
        await Store.TryOpenAsync(first, notify: true, default);

        var resolved = await Store.TryResolveAsync(first.Id, Now.AddMinutes(5), notify: true, default);
        var again = await Store.TryResolveAsync(first.Id, Now.AddMinutes(6), notify: true, default);

        Assert.Equal(first with { ResolvedAt = Now.AddMinutes(5) }, resolved);
        Assert.Null(again);
        Assert.Empty(await Store.OpenAlertsAsync(default));
        Assert.Equal([NoticeEvents.Resolved, NoticeEvents.Opened], (await Store.NoticesAsync(10, default)).Select(n => n.Event));

        Assert.True(await Store.TryOpenAsync(Offline("dev-1", Now.AddMinutes(7)), notify: false, default));
        Assert.Equal(2, (await Store.HistoryAsync(Now.AddDays(-1), 10, default)).Count);
    }

    [Fact]
    public async Task Without_notify_no_notice_is_queued()
    {
        var alert = Offline("dev-1", Now);
        await Store.TryOpenAsync(alert, notify: false, default);
        await Store.TryResolveAsync(alert.Id, Now.AddMinutes(1), notify: false, default);

        Assert.Empty(await Store.NoticesAsync(10, default));
        Assert.Empty(await Store.ClaimDueNoticesAsync(Now.AddHours(1), ClaimFor, 10, default));
    }

    [Fact]
    public async Task History_is_newest_first_from_since_and_limited()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.TryOpenAsync(Offline($"dev-{i}", Now.AddHours(i)), notify: false, default);
        }

        var history = await Store.HistoryAsync(Now.AddHours(1), 3, default);

        Assert.Equal(["dev-4", "dev-3", "dev-2"], history.Select(a => a.DeviceId));
    }

    [Fact]
    public async Task A_claimed_notice_carries_the_alert_and_is_not_claimed_again_before_its_claim_expires()
    {
        var alert = Offline("dev-1", Now);
        await Store.TryOpenAsync(alert, notify: true, default);

        var claimed = Assert.Single(await Store.ClaimDueNoticesAsync(Now, ClaimFor, 10, default));
        Assert.Empty(await Store.ClaimDueNoticesAsync(Now.AddSeconds(29), ClaimFor, 10, default));
        var reclaimed = Assert.Single(await Store.ClaimDueNoticesAsync(Now.AddSeconds(31), ClaimFor, 10, default));

        Assert.Equal(new AlertNotice(NoticeEvents.Opened, alert), claimed.Notice);
        Assert.Equal(NoticeEvents.NoticeId(alert.Id, NoticeEvents.Opened), claimed.Id);
        Assert.Equal((1, 2), (claimed.Attempts, reclaimed.Attempts));
    }

    [Fact]
    public async Task A_notice_marked_sent_is_never_claimed_again()
    {
        var alert = Offline("dev-1", Now);
        await Store.TryOpenAsync(alert, notify: true, default);
        var claimed = Assert.Single(await Store.ClaimDueNoticesAsync(Now, ClaimFor, 10, default));

        await Store.MarkNoticeSentAsync(claimed.Id, Now.AddSeconds(1), default);

        Assert.Empty(await Store.ClaimDueNoticesAsync(Now.AddDays(1), ClaimFor, 10, default));
        var notice = Assert.Single(await Store.NoticesAsync(10, default));
        Assert.Equal((NoticeStates.Sent, Now.AddSeconds(1)), (notice.State, notice.SentAt));
    }

    [Fact]
    public async Task A_notice_not_taken_is_due_again_at_its_retry_time_or_failed_without_one()
    {
        await Store.TryOpenAsync(Offline("dev-1", Now), notify: true, default);
        await Store.TryOpenAsync(Offline("dev-2", Now), notify: true, default);
        var claimed = await Store.ClaimDueNoticesAsync(Now, ClaimFor, 10, default);
        Assert.Equal(2, claimed.Count);

        await Store.MarkNoticeNotSentAsync(claimed[0].Id, "503", Now.AddMinutes(1), default);
        await Store.MarkNoticeNotSentAsync(claimed[1].Id, "gone", null, default);

        Assert.Empty(await Store.ClaimDueNoticesAsync(Now.AddSeconds(59), ClaimFor, 10, default));
        var retried = Assert.Single(await Store.ClaimDueNoticesAsync(Now.AddMinutes(2), ClaimFor, 10, default));
        Assert.Equal(claimed[0].Id, retried.Id);
        var failed = (await Store.NoticesAsync(10, default)).Single(n => n.Id == claimed[1].Id);
        Assert.Equal((NoticeStates.Failed, "gone"), (failed.State, failed.LastError));
    }

    [Fact]
    public async Task A_resolved_notice_waits_until_its_opened_notice_is_settled()
    {
        var alert = Offline("dev-1", Now);
        await Store.TryOpenAsync(alert, notify: true, default);
        await Store.TryResolveAsync(alert.Id, Now.AddMinutes(1), notify: true, default);

        var first = Assert.Single(await Store.ClaimDueNoticesAsync(Now.AddMinutes(2), ClaimFor, 10, default));
        Assert.Equal(NoticeEvents.Opened, first.Notice.Event);
        Assert.Null(first.Notice.Alert.ResolvedAt);
        Assert.Empty(await Store.ClaimDueNoticesAsync(Now.AddMinutes(2), ClaimFor, 10, default));

        await Store.MarkNoticeSentAsync(first.Id, Now.AddMinutes(2), default);

        var second = Assert.Single(await Store.ClaimDueNoticesAsync(Now.AddMinutes(2), ClaimFor, 10, default));
        Assert.Equal(NoticeEvents.Resolved, second.Notice.Event);
        Assert.Equal(Now.AddMinutes(1), second.Notice.Alert.ResolvedAt);
    }

    [Fact]
    public async Task Holds_keep_their_first_time_until_they_end()
    {
        await Store.UpdateHoldsAsync(new Dictionary<string, DateTimeOffset> { ["a"] = Now, ["b"] = Now }, [], default);
        await Store.UpdateHoldsAsync(new Dictionary<string, DateTimeOffset> { ["a"] = Now.AddMinutes(5), ["c"] = Now.AddMinutes(5) }, ["b"], default);

        var holds = await Store.HoldsAsync(default);

        Assert.Equal(new Dictionary<string, DateTimeOffset> { ["a"] = Now, ["c"] = Now.AddMinutes(5) }, holds.ToDictionary());
    }

    [Fact]
    public async Task Centre_rules_are_stored_per_centre_and_replaced_by_a_new_change()
    {
        await Store.SaveCentreRulesAsync("hn-01", new AlertRuleSettings { OfflineMinutes = 5, OpeningHours = "always" }, default);
        await Store.SaveCentreRulesAsync("hn-02", new AlertRuleSettings { Printer = false }, default);
        await Store.SaveCentreRulesAsync("hn-01", new AlertRuleSettings { DiskFreeMb = 100 }, default);

        var rules = await Store.CentreRulesAsync(default);

        Assert.Equal(["hn-01", "hn-02"], rules.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((null, null, 100L), (rules["hn-01"].OfflineMinutes, rules["hn-01"].OpeningHours, rules["hn-01"].DiskFreeMb));
        Assert.False(rules["hn-02"].Printer);
    }

    [Fact]
    public async Task An_alert_is_acknowledged_once_and_each_step_of_work_is_in_its_history()
    {
        var alert = Offline("dev-1", Now, centre: "hn-01");
        await Store.TryOpenAsync(alert, notify: false, default);

        var acknowledged = await Store.RecordWorkAsync(new AlertAction(alert.Id, Now.AddMinutes(1), "lan", AlertActions.Acknowledged, null), default);
        var again = await Store.RecordWorkAsync(new AlertAction(alert.Id, Now.AddMinutes(2), "minh", AlertActions.Acknowledged, null), default);
        var assigned = await Store.RecordWorkAsync(new AlertAction(alert.Id, Now.AddMinutes(3), "lan", AlertActions.Assigned, "minh"), default);
        await Store.RecordWorkAsync(new AlertAction(alert.Id, Now.AddMinutes(4), "minh", AlertActions.Commented, "thay cáp mạng"), default);

        Assert.Equal(AlertWorkOutcome.Done, acknowledged.Outcome);
        Assert.Equal(("lan", Now.AddMinutes(1)), (acknowledged.Alert!.AcknowledgedBy, acknowledged.Alert.AcknowledgedAt));
        Assert.Equal(AlertWorkOutcome.AlreadyAcknowledged, again.Outcome);
        Assert.Equal("minh", assigned.Alert!.AssignedTo);
        var found = await Store.FindAsync(alert.Id, default);
        Assert.Equal(("lan", "minh"), (found!.AcknowledgedBy, found.AssignedTo));
        Assert.Equal(found, Assert.Single(await Store.OpenAlertsAsync(default)));
        Assert.Equal(
            [("lan", AlertActions.Acknowledged, (string?)null), ("lan", AlertActions.Assigned, "minh"), ("minh", AlertActions.Commented, "thay cáp mạng")],
            (await Store.ActionsAsync(alert.Id, default)).Select(a => (a.Actor, a.Action, a.Detail)));
    }

    [Fact]
    public async Task A_resolved_alert_takes_comments_but_no_acknowledge_or_assignment_and_an_unknown_one_is_not_found()
    {
        var alert = Offline("dev-1", Now);
        await Store.TryOpenAsync(alert, notify: false, default);
        await Store.TryResolveAsync(alert.Id, Now.AddMinutes(1), notify: false, default);

        Assert.Equal(AlertWorkOutcome.NotOpen, (await Store.RecordWorkAsync(new AlertAction(alert.Id, Now.AddMinutes(2), "lan", AlertActions.Acknowledged, null), default)).Outcome);
        Assert.Equal(AlertWorkOutcome.NotOpen, (await Store.RecordWorkAsync(new AlertAction(alert.Id, Now.AddMinutes(2), "lan", AlertActions.Assigned, "minh"), default)).Outcome);
        Assert.Equal(AlertWorkOutcome.Done, (await Store.RecordWorkAsync(new AlertAction(alert.Id, Now.AddMinutes(2), "lan", AlertActions.Commented, "ok"), default)).Outcome);
        Assert.Equal(AlertWorkOutcome.NotFound, (await Store.RecordWorkAsync(new AlertAction("nope", Now, "lan", AlertActions.Commented, "?"), default)).Outcome);
        Assert.Null(await Store.FindAsync("nope", default));
        Assert.Equal([AlertActions.Commented], (await Store.ActionsAsync(alert.Id, default)).Select(a => a.Action));
    }

    [Fact]
    public async Task A_person_resolving_is_recorded_and_the_problem_returning_opens_a_new_alert_that_reopens_it()
    {
        var first = Offline("dev-1", Now);
        await Store.TryOpenAsync(first, notify: true, default);

        var resolved = await Store.TryResolveAsync(first.Id, Now.AddMinutes(5), "lan", "đã khởi động lại", new AlertOutbox(true, []), default);
        Assert.Null(await Store.TryResolveAsync(first.Id, Now.AddMinutes(6), "minh", null, new AlertOutbox(true, []), default));
        var second = Offline("dev-1", Now.AddMinutes(7));
        Assert.True(await Store.TryOpenAsync(second, notify: false, default));
        await Store.TryResolveAsync(second.Id, Now.AddMinutes(8), notify: false, default);
        var third = Offline("dev-1", Now.AddMinutes(9));
        await Store.TryOpenAsync(third, notify: false, default);

        Assert.Equal(("lan", Now.AddMinutes(5)), (resolved!.ResolvedBy, resolved.ResolvedAt));
        var action = Assert.Single(await Store.ActionsAsync(first.Id, default));
        Assert.Equal(("lan", AlertActions.Resolved, "đã khởi động lại", Now.AddMinutes(5)), (action.Actor, action.Action, action.Detail, action.At));
        Assert.Equal(first.Id, (await Store.FindAsync(second.Id, default))!.Reopens);
        Assert.Null((await Store.FindAsync(second.Id, default))!.ResolvedBy);
        Assert.Null((await Store.FindAsync(third.Id, default))!.Reopens);
        Assert.Equal(2, (await Store.NoticesAsync(10, default)).Count);
    }

    [Fact]
    public async Task A_transition_queues_one_mail_per_person_with_it_and_a_refused_one_queues_none()
    {
        var alert = Offline("dev-1", Now, centre: "hn-01");
        var to = new List<MailTo> { new("lan", "lan@hn.test", Now), new("minh", "minh@hn.test", Now.AddHours(1)), new("lan", "lan@hn.test", Now) };

        Assert.True(await Store.TryOpenAsync(alert, new AlertOutbox(false, to), default));
        Assert.False(await Store.TryOpenAsync(Offline("dev-1", Now.AddSeconds(1), centre: "hn-01"), new AlertOutbox(false, to), default));
        await Store.TryResolveAsync(alert.Id, Now.AddMinutes(3), null, null, new AlertOutbox(false, [new("lan", "lan@hn.test", Now.AddMinutes(3))]), default);

        var mails = await Store.MailsAsync(10, default);
        Assert.Equal(
            [MailStates.MailId(alert.Id, NoticeEvents.Resolved, "lan"), MailStates.MailId(alert.Id, NoticeEvents.Opened, "lan"), MailStates.MailId(alert.Id, NoticeEvents.Opened, "minh")],
            mails.Select(m => m.Id));
        Assert.All(mails, m => Assert.Equal((MailStates.Pending, 0), (m.State, m.Attempts)));
        Assert.Empty(await Store.NoticesAsync(10, default));
    }

    [Fact]
    public async Task A_recipient_with_a_mail_due_gets_everything_pending_for_them_in_one_claim_and_others_wait()
    {
        var a = Offline("dev-1", Now, centre: "hn-01");
        var b = Offline("dev-2", Now.AddMinutes(1), centre: "hn-01");
        await Store.TryOpenAsync(a, new AlertOutbox(false, [new("lan", "lan@hn.test", Now), new("minh", "minh@hn.test", Now.AddHours(8))]), default);
        await Store.TryOpenAsync(b, new AlertOutbox(false, [new("lan", "lan@hn.test", Now.AddHours(8))]), default);

        var claimed = await Store.ClaimDueMailsAsync(Now.AddMinutes(2), ClaimFor, 10, default);

        Assert.Equal([("lan@hn.test", "dev-1", 1), ("lan@hn.test", "dev-2", 1)], claimed.Select(m => (m.Address, m.Alert.DeviceId, m.Attempts)));
        Assert.Empty(await Store.ClaimDueMailsAsync(Now.AddMinutes(2).AddSeconds(10), ClaimFor, 10, default));
        await Store.MarkMailsSentAsync([.. claimed.Select(m => m.Id)], Now.AddMinutes(2), default);
        Assert.Empty(await Store.ClaimDueMailsAsync(Now.AddHours(1), ClaimFor, 10, default));
        var minh = Assert.Single(await Store.ClaimDueMailsAsync(Now.AddHours(8), ClaimFor, 10, default));
        Assert.Equal(("minh", NoticeEvents.Opened, a.Id), (minh.Person, minh.Event, minh.Alert.Id));
    }

    [Fact]
    public async Task A_mail_not_sent_is_retried_then_dead_lettered_listed_with_failed_notices_and_retried_on_request()
    {
        var alert = Offline("dev-1", Now, centre: "hn-01");
        await Store.TryOpenAsync(alert, new AlertOutbox(true, [new("lan", "lan@hn.test", Now)]), default);
        var mail = Assert.Single(await Store.ClaimDueMailsAsync(Now, ClaimFor, 10, default));
        await Store.MarkMailNotSentAsync(mail.Id, "421 down", Now.AddMinutes(1), default);
        Assert.Empty(await Store.ClaimDueMailsAsync(Now.AddSeconds(59), ClaimFor, 10, default));
        var retried = Assert.Single(await Store.ClaimDueMailsAsync(Now.AddMinutes(1), ClaimFor, 10, default));
        await Store.MarkMailNotSentAsync(retried.Id, "421 still down", null, default);
        var notice = Assert.Single(await Store.ClaimDueNoticesAsync(Now, ClaimFor, 10, default));
        await Store.MarkNoticeNotSentAsync(notice.Id, "503", null, default);

        var letters = await Store.DeadLettersAsync(10, default);

        Assert.Equal(
            [(DeadLetterChannels.Mail, mail.Id, (string?)"lan@hn.test", 2, (string?)"421 still down"), (DeadLetterChannels.Webhook, notice.Id, null, 1, "503")],
            letters.Select(l => (l.Channel, l.Id, l.Recipient, l.Attempts, l.LastError)));
        Assert.Empty(await Store.ClaimDueMailsAsync(Now.AddDays(1), ClaimFor, 10, default));
        Assert.False(await Store.RetryDeadLetterAsync(DeadLetterChannels.Mail, "nope", Now.AddHours(1), default));
        Assert.True(await Store.RetryDeadLetterAsync(DeadLetterChannels.Mail, mail.Id, Now.AddHours(1), default));
        Assert.False(await Store.RetryDeadLetterAsync(DeadLetterChannels.Mail, mail.Id, Now.AddHours(1), default));
        Assert.True(await Store.RetryDeadLetterAsync(DeadLetterChannels.Webhook, notice.Id, Now.AddHours(1), default));
        Assert.Empty(await Store.DeadLettersAsync(10, default));

        var again = Assert.Single(await Store.ClaimDueMailsAsync(Now.AddHours(1), ClaimFor, 10, default));
        Assert.Equal(1, again.Attempts);
        await Store.MarkMailsSentAsync([again.Id], Now.AddHours(1), default);
        Assert.Equal((MailStates.Sent, (DateTimeOffset?)Now.AddHours(1)), (await Store.MailsAsync(1, default)).Select(m => (m.State, m.SentAt)).Single());
        Assert.Single(await Store.ClaimDueNoticesAsync(Now.AddHours(1), ClaimFor, 10, default));
    }

    protected static Alert Offline(string device, DateTimeOffset at, string? centre = null) =>
        Alert.Open(new AlertCondition(AlertKinds.DeviceOffline, Severities.Critical, device, "7", centre, $"{device} offline"), at);
}
