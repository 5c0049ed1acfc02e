using Edge.Fleet.Queue;
using Edge.Wire;

using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.Queue;

/// <summary>
/// What every <see cref="IQueueStore"/> must do, whatever engine is behind it. A store's test class derives from this
/// and says how to make a store on fresh, empty storage.
/// </summary>
public abstract partial class QueueStoreContract : StoreContractBase<IQueueStore>
{
    protected const string Centre = "centre-1";
    protected const string Today = "2026-11-23";
    protected static readonly DateTimeOffset Morning = new(2026, 11, 23, 8, 0, 0, TimeSpan.FromHours(7));
    protected static readonly DateTimeOffset FleetNow = Morning.AddHours(1);


    [Fact]
    public async Task Counters_calling_at_the_same_instant_never_get_the_same_ticket()
    {
        await IssueAsync(Store, "kiosk-1", Today, Enumerable.Range(1, 100).Select(n => ($"A{n:000}", "Đất đai")).ToArray());

        var calls = await Task.WhenAll(Enumerable.Range(1, 8).Select(counter => Task.Run(async () =>
        {
            var tickets = new List<string?>();
            for (var i = 0; i < 15; i++)
            {
                tickets.Add((await CallAsync(Store, $"counter-{counter}", Request(counter.ToString()))).Ticket);
            }

            return tickets;
        })));

        var called = calls.SelectMany(c => c).OfType<string>().ToList();
        Assert.Equal(100, called.Count);
        Assert.Equal(100, called.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 100).Select(n => $"A{n:000}"),
            (await TicketsAsync(Today)).OrderBy(t => t.CallOrder).Select(t => t.Number));
    }

    [Fact]
    public async Task A_counter_gets_only_its_fields_oldest_first()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("B001", "Đất đai"), ("A002", "Tư pháp"));

        Assert.Equal("B001", (await CallAsync(Store, "c1", Request("1", "Đất đai"))).Ticket);
        Assert.Null((await CallAsync(Store, "c1", Request("1", "Đất đai"))).Ticket);
        var reply = await CallAsync(Store, "c2", Request("2"));
        Assert.Equal(("A001", "Tư pháp", Today, 1), (reply.Ticket, reply.Field, reply.Day, reply.Waiting));
        var handed = (await TicketsAsync(Today)).Single(t => t.Number == "A001");
        Assert.Equal((TicketStates.Called, "2", FleetNow.UtcDateTime), (handed.State, handed.Counter, handed.AssignedAt));
    }

    [Fact]
    public async Task A_resent_request_gets_the_same_ticket()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        var request = Request("1");

        var first = await CallAsync(Store, "c1", request);
        var again = await CallAsync(Store, "c1", request);

        Assert.Equal(first, again);
        Assert.Equal("A002", (await CallAsync(Store, "c1", Request("1"))).Ticket);
    }

    [Fact]
    public async Task Another_counters_request_id_is_not_a_resend()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        var request = Request("1");

        var first = await CallAsync(Store, "c1", request);
        var other = await CallAsync(Store, "c2", request with { Counter = "2" });

        Assert.Equal(("A001", "A002"), (first.Ticket, other.Ticket));
    }

    [Fact]
    public async Task Yesterdays_waiting_tickets_are_not_called_on_the_next_day()
    {
        await IssueAsync(Store, "kiosk-1", "2026-11-22", ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"));

        var reply = await CallAsync(Store, "c1", Request("1"));

        Assert.Equal(("A001", Today, 0), (reply.Ticket, reply.Day, reply.Waiting));
        Assert.Null((await CallAsync(Store, "c1", Request("1"))).Ticket);
        Assert.All(await TicketsAsync("2026-11-22"), t => Assert.Equal(TicketStates.Waiting, t.State));
    }

    [Fact]
    public async Task Another_centres_tickets_are_not_called()
    {
        await IssueAsync(Store, "kiosk-9", Today, ("A001", "Tư pháp"));
        await Store.ApplyAsync("centre-2", "kiosk-2", [Event(EventKinds.TicketIssued, "A500", Morning, field: "Tư pháp")], null, CancellationToken.None);

        var reply = await Store.CallNextAsync("centre-2", "c1", Request("1"), Today, FleetNow, CancellationToken.None);

        Assert.Equal(("A500", 0), (reply.Ticket, reply.Waiting));
        Assert.Equal(TicketStates.Waiting, Assert.Single(await TicketsAsync(Today)).State);
    }

    [Fact]
    public async Task Tickets_are_listed_by_issue_time_then_number()
    {
        // Two kiosks issue at the same instant: the number decides (ordinal); a later ticket with a lower number comes after.
        await Store.ApplyAsync(Centre, "kiosk-2", [
            Event(EventKinds.TicketIssued, "A500", Morning, field: "Tư pháp"),
            Event(EventKinds.TicketIssued, "A001", Morning.AddSeconds(5), field: "Tư pháp"),
        ], null, CancellationToken.None);
        await Store.ApplyAsync(Centre, "kiosk-1", [Event(EventKinds.TicketIssued, "A002", Morning, field: "Tư pháp")], null, CancellationToken.None);

        var tickets = await TicketsAsync(Today);

        Assert.Equal(["A002", "A500", "A001"], tickets.Select(t => t.Number));
        Assert.Equal(["kiosk-1", "kiosk-2", "kiosk-2"], tickets.Select(t => t.Kiosk));
        Assert.Equal(["A002", "A500", "A001"], await CallAllAsync("c1"));
    }

    [Fact]
    public async Task A_placed_ticket_joins_the_list_of_its_placement_and_keeps_its_printed_day()
    {
        var placedAt = FleetNow.AddMinutes(-1);
        await Store.ApplyAsync(Centre, "k-stale", [Event(EventKinds.TicketIssued, "A158", Morning.AddDays(-1), day: "2026-11-22", field: "Đất đai")],
            _ => new TicketPlace(placedAt, Today), CancellationToken.None);

        var ticket = Assert.Single(await TicketsAsync(Today));
        Assert.Equal(("2026-11-22", Today, placedAt.UtcDateTime, $"{Centre}|2026-11-22|A158"), (ticket.Day, ticket.ListDay, ticket.IssuedAt, ticket.Id));
        Assert.Empty(await TicketsAsync("2026-11-22"));
        var reply = await CallAsync(Store, "c1", Request("1"));
        Assert.Equal(("A158", "2026-11-22"), (reply.Ticket, reply.Day));

        // Later events name the ticket by its printed day.
        Assert.Equal(1, await Store.ApplyAsync(Centre, "c1", [Event(EventKinds.TicketServed, "A158", FleetNow, day: "2026-11-22", counter: "1")], null, CancellationToken.None));
        Assert.Equal(TicketStates.Served, Assert.Single(await TicketsAsync(Today)).State);
    }

    [Fact]
    public async Task Redelivered_events_change_nothing_and_waiting_times_come_from_the_events()
    {
        Assert.Equal(1, await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp")));
        Assert.Equal(0, await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp")));
        await CallAsync(Store, "c1", Request("3"));
        var called = Event(EventKinds.TicketCalled, "A001", Morning.AddMinutes(12), counter: "3");
        var recalled = Event(EventKinds.TicketRecalled, "A001", Morning.AddMinutes(14), counter: "3");
        var served = Event(EventKinds.TicketServed, "A001", Morning.AddMinutes(20), counter: "3");
        var rating = Event(EventKinds.Rating, "A001", Morning.AddMinutes(20), counter: "3") with { Level = 4, Scale = 4 };

        Assert.Equal(4, await Store.ApplyAsync(Centre, "counter-3", [called, recalled, served, rating], null, CancellationToken.None));
        Assert.Equal(0, await Store.ApplyAsync(Centre, "counter-3", [called, recalled, served, rating], null, CancellationToken.None));

        var tickets = await TicketsAsync(Today);
        var stats = QueueFigures.Stats(Centre, Today, tickets);
        Assert.Equal(1, stats.All.Issued);
        Assert.Equal(12 * 60, stats.All.WaitAvgS);
        Assert.Equal(8 * 60, stats.All.ServiceAvgS);
        Assert.Equal((1, 1.0), (stats.All.Ratings, stats.All.SatisfactionIndex));
        Assert.Equal("3", Assert.Single(stats.ByCounter).Key);
        Assert.Equal([Morning.AddMinutes(14).UtcDateTime], Assert.Single(tickets).RecalledAt);
    }

    [Fact]
    public async Task Each_event_changes_a_ticket_only_when_it_adds_something()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        Task<int> Apply(params DeviceEvent[] events) => Store.ApplyAsync(Centre, "counter-2", events, null, CancellationToken.None);

        // A counter's own call of a ticket the fleet did not hand out (a lost reply) still counts.
        Assert.Equal(1, await Apply(Event(EventKinds.TicketCalled, "A002", Morning.AddMinutes(1), counter: "2")));
        Assert.Equal(2, await Apply(
            Event(EventKinds.TicketRecalled, "A002", Morning.AddMinutes(2), counter: "2"),
            Event(EventKinds.TicketRecalled, "A002", Morning.AddMinutes(3), counter: "2")));
        Assert.Equal(0, await Apply(Event(EventKinds.TicketRecalled, "A002", Morning.AddMinutes(2), counter: "2")));
        Assert.Equal(1, await Apply(Event(EventKinds.TicketSkipped, "A002", Morning.AddMinutes(4), counter: "2")));
        Assert.Equal(0, await Apply(Event(EventKinds.TicketSkipped, "A002", Morning.AddMinutes(5), counter: "2")));
        Assert.Equal(1, await Apply(Event(EventKinds.Rating, "A002", Morning.AddMinutes(4), counter: "2") with { Level = 2, Scale = 4 }));
        Assert.Equal(1, await Apply(Event(EventKinds.Rating, "A002", Morning.AddMinutes(4), counter: "2") with { Level = 3, Scale = 4 }));
        Assert.Equal(0, await Apply(Event(EventKinds.Rating, "A002", Morning.AddMinutes(4), counter: "2") with { Level = 1, Scale = 4, Suspect = true }));

        var tickets = await TicketsAsync(Today);
        var skipped = tickets.Single(t => t.Number == "A002");
        Assert.Equal(
            (TicketStates.Skipped, "2", Morning.AddMinutes(1).UtcDateTime, Morning.AddMinutes(4).UtcDateTime, 2, 3),
            (skipped.State, skipped.Counter, skipped.CalledAt, skipped.SkippedAt, skipped.RecalledAt.Count, skipped.RatingLevel));
        Assert.Equal("A001", (await CallAsync(Store, "c1", Request("1"))).Ticket);
    }

    [Fact]
    public async Task A_hand_out_by_the_tickets_kiosk_during_an_outage_names_the_counter_even_over_a_fleet_hand_out()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        var kioskCall = Event(EventKinds.TicketCalled, "A001", Morning.AddMinutes(5), counter: "4");
        var lateCounterCall = Event(EventKinds.TicketCalled, "A001", Morning.AddMinutes(6), counter: "1");

        // The fleet handed A001 to counter 1 after the link returned, before the kiosk's outbox had drained.
        Assert.Equal("A001", (await CallAsync(Store, "counter-1", Request("1"))).Ticket);
        Assert.Equal(1, await Store.ApplyAsync(Centre, "kiosk-1", [kioskCall], null, CancellationToken.None));
        Assert.Equal(0, await Store.ApplyAsync(Centre, "kiosk-1", [kioskCall], null, CancellationToken.None));
        Assert.Equal(0, await Store.ApplyAsync(Centre, "counter-1", [lateCounterCall], null, CancellationToken.None));
        // A kiosk's hand-out of a waiting ticket takes it off the list.
        Assert.Equal(1, await Store.ApplyAsync(Centre, "kiosk-1", [Event(EventKinds.TicketCalled, "A002", Morning.AddMinutes(7), counter: "2")], null, CancellationToken.None));

        var tickets = await TicketsAsync(Today);
        Assert.Equal((TicketStates.Called, "4", Morning.AddMinutes(5).UtcDateTime), (tickets[0].State, tickets[0].Counter, tickets[0].CalledAt));
        Assert.Equal((TicketStates.Called, "2"), (tickets[1].State, tickets[1].Counter));
        Assert.Null((await CallAsync(Store, "counter-3", Request("3"))).Ticket);
    }

    [Fact]
    public async Task Oversized_keys_and_kinds_that_never_apply_change_nothing_even_once_the_ticket_comes()
    {
        var huge = new string('9', 2000);

        Assert.Equal(0, await Store.ApplyAsync(Centre, "counter-1", [
            Event(EventKinds.TicketServed, huge, Morning, counter: "1"),
            Event(EventKinds.TicketIssued, huge, Morning, field: "Tư pháp"),
            Event(EventKinds.TicketIssued, "A001", Morning, day: huge, field: "Tư pháp"),
            Event("ticket.mislaid", "A001", Morning, counter: "1"),
        ], null, CancellationToken.None));

        Assert.Empty(await TicketsAsync(Today));
        Assert.Equal(1, await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp")));
        Assert.Equal(TicketStates.Waiting, Assert.Single(await TicketsAsync(Today)).State);
    }

    [Fact]
    public async Task A_counters_events_that_arrive_before_the_kiosks_ticket_are_applied_when_it_comes()
    {
        // After an outage the counter's outbox drained first: its call, its served and the citizen's rating of A001
        // reach the fleet before the kiosk's ticket.issued, each delivered twice (a redelivery).
        DeviceEvent[] early =
        [
            Event(EventKinds.TicketCalled, "A001", Morning.AddMinutes(9), counter: "3") with { Seq = 11 },
            Event(EventKinds.TicketServed, "A001", Morning.AddMinutes(15), counter: "3") with { Seq = 12 },
            Event(EventKinds.Rating, "A001", Morning.AddMinutes(15), counter: "3") with { Seq = 13, Level = 3, Scale = 4 },
        ];
        Assert.Equal(0, await Store.ApplyAsync(Centre, "counter-3", early, null, CancellationToken.None));
        Assert.Equal(0, await Store.ApplyAsync(Centre, "counter-3", [early[2], early[0], early[1]], null, CancellationToken.None));
        Assert.Empty(await TicketsAsync(Today));

        Assert.Equal(2, await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp")));

        var tickets = await TicketsAsync(Today);
        var served = tickets.Single(t => t.Number == "A001");
        Assert.Equal(
            (TicketStates.Served, "3", Morning.AddMinutes(9).UtcDateTime, Morning.AddMinutes(15).UtcDateTime, 3),
            (served.State, served.Counter, served.CalledAt, served.ServedAt, served.RatingLevel));
        var stats = QueueFigures.Stats(Centre, Today, tickets);
        Assert.Equal((2, 1, 9 * 60, 6 * 60), (stats.All.Issued, stats.All.Served, stats.All.WaitAvgS, stats.All.ServiceAvgS));

        // Applied once: the same events again, or the kiosk's batch again, change nothing; the next call is A002.
        Assert.Equal(0, await Store.ApplyAsync(Centre, "counter-3", early, null, CancellationToken.None));
        Assert.Equal(0, await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp")));
        Assert.Equal("A002", (await CallAsync(Store, "c1", Request("1"))).Ticket);
        Assert.Equal(TicketStates.Served, (await TicketsAsync(Today)).Single(t => t.Number == "A001").State);
    }

    [Fact]
    public async Task A_skip_and_a_recall_that_arrive_before_the_ticket_are_applied_in_the_order_they_happened()
    {
        // Delivered newest first: the recall (the citizen came back) must still undo the skip, as it did at the counter.
        Assert.Equal(0, await Store.ApplyAsync(Centre, "counter-2", [
            Event(EventKinds.TicketRecalled, "A001", Morning.AddMinutes(6), counter: "2") with { Seq = 3 },
            Event(EventKinds.TicketSkipped, "A001", Morning.AddMinutes(5), counter: "2") with { Seq = 2 },
            Event(EventKinds.TicketCalled, "A001", Morning.AddMinutes(4), counter: "2") with { Seq = 1 },
        ], null, CancellationToken.None));

        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"));

        var ticket = Assert.Single(await TicketsAsync(Today));
        Assert.Equal((TicketStates.Called, "2", (DateTime?)null, 1), (ticket.State, ticket.Counter, ticket.SkippedAt, ticket.RecalledAt.Count));
    }

    [Fact]
    public async Task Events_for_a_ticket_that_never_comes_change_no_other_ticket()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"));

        Assert.Equal(0, await Store.ApplyAsync(Centre, "counter-1", [
            Event(EventKinds.TicketServed, "Z999", Morning, counter: "1") with { Seq = 5 },
            Event(EventKinds.Rating, "Z999", Morning, counter: "1") with { Seq = 6, Level = 4, Scale = 4 },
        ], null, CancellationToken.None));
        await IssueAsync(Store, "kiosk-1", "2026-11-24", ("Z999", "Tư pháp"));

        var ticket = Assert.Single(await TicketsAsync(Today));
        Assert.Equal(("A001", TicketStates.Waiting, (int?)null), (ticket.Number, ticket.State, ticket.RatingLevel));
        Assert.Equal(TicketStates.Waiting, Assert.Single(await TicketsAsync("2026-11-24")).State);
    }

    protected static async Task<int> IssueAsync(IQueueStore store, string kiosk, string day, params (string Number, string Field)[] tickets) =>
        await store.ApplyAsync(Centre, kiosk, tickets.Select((t, i) => Event(EventKinds.TicketIssued, t.Number, Morning.AddSeconds(i), day: day, field: t.Field)).ToList(),
            null, CancellationToken.None);

    protected static Task<CallReply> CallAsync(IQueueStore store, string deviceId, CallRequest request) =>
        store.CallNextAsync(Centre, deviceId, request, Today, FleetNow, CancellationToken.None);

    protected Task<IReadOnlyList<QueueTicket>> TicketsAsync(string day) => Store.TicketsAsync(Centre, day, CancellationToken.None);

    private async Task<List<string>> CallAllAsync(string deviceId)
    {
        var called = new List<string>();
        while ((await CallAsync(Store, deviceId, Request("1"))).Ticket is { } ticket)
        {
            called.Add(ticket);
        }

        return called;
    }

    protected static DeviceEvent Event(string kind, string ticket, DateTimeOffset at, string day = Today, string? field = null, string? counter = null) =>
        new() { Seq = 0, Kind = kind, At = at, Ticket = ticket, Field = field, Detail = day, Counter = counter };

    protected static CallRequest Request(string counter, params string[] fields) =>
        new(Guid.NewGuid().ToString("N"), CallActions.Next, counter, fields);
}
