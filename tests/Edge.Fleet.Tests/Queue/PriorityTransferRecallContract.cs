using Edge.Fleet.Queue;
using Edge.Wire;

namespace Edge.Fleet.Tests.Queue;

/// <summary>
/// Priority, transfer, recall after a skip and date ranges, on every engine: part of <see cref="QueueStoreContract"/>
/// (a partial class, so both stores' test classes run these too).
/// </summary>
public abstract partial class QueueStoreContract
{
    private static readonly QueueRules Rules = new(PriorityRun: 2, OrdinaryWaitLimit: TimeSpan.FromMinutes(10), RecallWindow: TimeSpan.FromMinutes(5));

    [Fact]
    public async Task Priority_tickets_are_called_before_ordinary_ones_of_the_field()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        await IssuePriorityAsync(Morning.AddMinutes(50), ("UA001", "Tư pháp"), ("UB001", "Đất đai"));

        var first = await ActAsync("c1", Request("1", "Tư pháp"), FleetNow);

        Assert.Equal(("UA001", 2), (first.Ticket, first.Waiting));
        Assert.Equal(["A001", "A002"], await CallAllAsync("c1", "Tư pháp", FleetNow));
        Assert.True(Assert.Single(await TicketsAsync(Today), t => t.Number == "UA001").Priority);
    }

    [Fact]
    public async Task An_ordinary_ticket_waiting_too_long_breaks_a_run_of_priority_calls()
    {
        // A001 issued at 08:00; at 09:00 it has waited an hour (limit 10 min); priority tickets keep coming.
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        await IssuePriorityAsync(Morning.AddMinutes(55), ("UA001", "Tư pháp"), ("UA002", "Tư pháp"), ("UA003", "Tư pháp"), ("UA004", "Tư pháp"), ("UA005", "Tư pháp"));

        var called = await CallAllAsync("c1", "Tư pháp", FleetNow);

        // Two priority calls in a row at most while an ordinary ticket has waited too long, then priority again.
        Assert.Equal(["UA001", "UA002", "A001", "UA003", "UA004", "A002", "UA005"], called);
    }

    [Fact]
    public async Task Ordinary_tickets_that_have_not_waited_long_stay_behind_every_priority_ticket()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"));
        await IssuePriorityAsync(Morning.AddMinutes(1), ("UA001", "Tư pháp"), ("UA002", "Tư pháp"), ("UA003", "Tư pháp"));

        Assert.Equal(["UA001", "UA002", "UA003", "A001"], await CallAllAsync("c1", "Tư pháp", Morning.AddMinutes(5)));
    }

    [Fact]
    public async Task A_transferred_ticket_keeps_its_number_and_is_called_once_at_the_new_counter()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        Assert.Equal("A001", (await ActAsync("c1", Request("1", "Tư pháp"), FleetNow)).Ticket);
        await Store.ApplyAsync(Centre, "c1", [Event(EventKinds.TicketCalled, "A001", FleetNow, counter: "1")], null, CancellationToken.None);

        var moved = await ActAsync("c1", Transfer("1", "A001", toCounter: "3"), FleetNow.AddMinutes(1));

        Assert.Equal(("A001", null), (moved.Ticket, moved.Reason));
        Assert.Equal("A002", (await ActAsync("c2", Request("2", "Tư pháp"), FleetNow.AddMinutes(2))).Ticket);
        Assert.Null((await ActAsync("c2", Request("2", "Tư pháp"), FleetNow.AddMinutes(2))).Ticket);
        var atThree = await ActAsync("c3", Request("3", "Đất đai"), FleetNow.AddMinutes(3));
        Assert.Equal("A001", atThree.Ticket);
        Assert.Null((await ActAsync("c3", Request("3", "Đất đai"), FleetNow.AddMinutes(3))).Ticket);

        // The first counter's late events about it change nothing; the new counter's do.
        Assert.Equal(0, await Store.ApplyAsync(Centre, "c1", [Event(EventKinds.TicketServed, "A001", FleetNow.AddMinutes(1), counter: "1")], null, CancellationToken.None));
        Assert.Equal(1, await Store.ApplyAsync(Centre, "c3", [Event(EventKinds.TicketServed, "A001", FleetNow.AddMinutes(9), counter: "3")], null, CancellationToken.None));
        var ticket = Assert.Single(await TicketsAsync(Today), t => t.Number == "A001");
        Assert.Equal((TicketStates.Served, "3", 1, "1"), (ticket.State, ticket.Counter, ticket.Transfers, ticket.TransferredFrom));
    }

    [Fact]
    public async Task A_ticket_transferred_to_a_field_joins_its_list_by_issue_time()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("B001", "Đất đai"));
        await Store.ApplyAsync(Centre, "kiosk-1", [Event(EventKinds.TicketIssued, "B002", Morning.AddMinutes(30), field: "Đất đai")], null, CancellationToken.None);
        await ActAsync("c1", Request("1", "Tư pháp"), FleetNow);

        var moved = await ActAsync("c1", Transfer("1", "A001", toField: "Đất đai"), FleetNow);

        Assert.Equal(("A001", "Đất đai"), (moved.Ticket, moved.Field));
        Assert.Equal(["A001", "B001", "B002"], await CallAllAsync("c2", "Đất đai", FleetNow));
    }

    [Fact]
    public async Task Only_the_counter_serving_a_ticket_may_transfer_it_and_a_refusal_changes_nothing()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"));
        await ActAsync("c1", Request("1"), FleetNow);
        var before = await TicketsAsync(Today);

        Assert.Equal(CallRefusals.WrongState, (await ActAsync("c2", Transfer("2", "A001", toCounter: "3"), FleetNow)).Reason);
        Assert.Equal(CallRefusals.UnknownTicket, (await ActAsync("c1", Transfer("1", "Z999", toCounter: "3"), FleetNow)).Reason);

        AssertSameTickets(before, await TicketsAsync(Today));
    }

    [Fact]
    public async Task A_skipped_ticket_is_recalled_within_the_window_and_refused_after_it()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        await ActAsync("c1", Request("1"), FleetNow);
        await ActAsync("c1", Request("1"), FleetNow);
        await Store.ApplyAsync(Centre, "c1", [
            Event(EventKinds.TicketSkipped, "A001", FleetNow.AddMinutes(1), counter: "1"),
            Event(EventKinds.TicketSkipped, "A002", FleetNow.AddMinutes(1), counter: "1"),
        ], null, CancellationToken.None);

        var back = await ActAsync("c1", Recall("1", "A001"), FleetNow.AddMinutes(5));
        var late = await ActAsync("c1", Recall("1", "A002"), FleetNow.AddMinutes(7));

        Assert.Equal(("A001", null), (back.Ticket, back.Reason));
        Assert.Equal(CallRefusals.WindowPassed, late.Reason);
        var tickets = await TicketsAsync(Today);
        Assert.Equal((TicketStates.Called, "1"), (tickets[0].State, tickets[0].Counter));
        Assert.Equal(TicketStates.Skipped, tickets[1].State);

        // The skip redelivered changes nothing; a new skip after the return counts.
        Assert.Equal(0, await Store.ApplyAsync(Centre, "c1", [Event(EventKinds.TicketSkipped, "A001", FleetNow.AddMinutes(1), counter: "1")], null, CancellationToken.None));
        Assert.Equal(CallRefusals.WrongState, (await ActAsync("c1", Recall("1", "A001"), FleetNow.AddMinutes(6))).Reason);
        Assert.Equal(1, await Store.ApplyAsync(Centre, "c1", [Event(EventKinds.TicketServed, "A001", FleetNow.AddMinutes(8), counter: "1")], null, CancellationToken.None));
        Assert.Equal(TicketStates.Served, (await TicketsAsync(Today))[0].State);
    }

    [Fact]
    public async Task A_recall_after_a_skip_that_reaches_the_fleet_only_as_events_counts_the_ticket_as_returned()
    {
        // During an outage the counter skipped A001, its citizen came back and the counter recalled it on its own
        // (fleet/Queue/README.md, "When the centre loses its link"): the fleet hears of it only from the events.
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        DeviceEvent[] outage =
        [
            Event(EventKinds.TicketCalled, "A001", Morning.AddMinutes(1), counter: "2"),
            Event(EventKinds.TicketSkipped, "A001", Morning.AddMinutes(3), counter: "2"),
            Event(EventKinds.TicketRecalled, "A001", Morning.AddMinutes(5), counter: "2"),
            Event(EventKinds.TicketCalled, "A002", Morning.AddMinutes(2), counter: "3"),
            Event(EventKinds.TicketSkipped, "A002", Morning.AddMinutes(4), counter: "3"),
        ];

        Assert.Equal(5, await Store.ApplyAsync(Centre, "counter-2", outage, null, CancellationToken.None));
        Assert.Equal(0, await Store.ApplyAsync(Centre, "counter-2", outage, null, CancellationToken.None));
        Assert.Equal(1, await Store.ApplyAsync(Centre, "counter-2", [Event(EventKinds.TicketServed, "A001", Morning.AddMinutes(9), counter: "2")], null, CancellationToken.None));

        var tickets = await TicketsAsync(Today);
        var back = tickets.Single(t => t.Number == "A001");
        Assert.Equal((TicketStates.Served, (DateTime?)null, Morning.AddMinutes(5).UtcDateTime), (back.State, back.SkippedAt, back.ReturnedAt));
        var stats = QueueFigures.Stats(Centre, Today, tickets).All;
        Assert.Equal((1, 1, 1), (stats.Returned, stats.Skipped, stats.Served));
    }

    [Fact]
    public async Task Tickets_between_two_days_are_listed_by_day_and_other_centres_are_left_out()
    {
        await IssueAsync(Store, "kiosk-1", "2026-11-21", ("A001", "Tư pháp"));
        await IssueAsync(Store, "kiosk-1", "2026-11-22", ("A001", "Tư pháp"), ("A002", "Đất đai"));
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"));
        await Store.ApplyAsync("centre-10", "kiosk-2", [Event(EventKinds.TicketIssued, "A900", Morning, day: "2026-11-22", field: "Tư pháp")], null, CancellationToken.None);

        var range = await Store.TicketsBetweenAsync(Centre, "2026-11-22", Today, CancellationToken.None);

        Assert.Equal(["2026-11-22|A001", "2026-11-22|A002", $"{Today}|A001"], range.Select(t => $"{t.ListDay}|{t.Number}"));
    }

    private Task<CallReply> ActAsync(string deviceId, CallRequest request, DateTimeOffset now) =>
        Store.ActAsync(Centre, deviceId, request, Today, now, Rules, CancellationToken.None);

    private async Task<List<string>> CallAllAsync(string deviceId, string field, DateTimeOffset now)
    {
        var called = new List<string>();
        while ((await ActAsync(deviceId, Request("1", field), now)).Ticket is { } ticket)
        {
            called.Add(ticket);
        }

        return called;
    }

    private Task<int> IssuePriorityAsync(DateTimeOffset from, params (string Number, string Field)[] tickets) =>
        Store.ApplyAsync(Centre, "kiosk-1", tickets.Select((t, i) => Event(EventKinds.TicketIssued, t.Number, from.AddSeconds(i), field: t.Field) with { Priority = true }).ToList(),
            null, CancellationToken.None);

    private static CallRequest Transfer(string counter, string ticket, string? toCounter = null, string? toField = null) =>
        new(Guid.NewGuid().ToString("N"), CallActions.Transfer, counter, []) { Ticket = ticket, Day = Today, ToCounter = toCounter, ToField = toField };

    private static CallRequest Recall(string counter, string ticket) =>
        new(Guid.NewGuid().ToString("N"), CallActions.Recall, counter, []) { Ticket = ticket, Day = Today };

    protected static void AssertSameTickets(IReadOnlyList<QueueTicket> before, IReadOnlyList<QueueTicket> after) =>
        Assert.Equal(
            before.Select(t => (t.Number, t.State, t.Counter, t.Field, t.CallOrder, t.Transfers, t.TargetCounter)),
            after.Select(t => (t.Number, t.State, t.Counter, t.Field, t.CallOrder, t.Transfers, t.TargetCounter)));
}
