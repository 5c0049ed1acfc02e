using Edge.Fleet.Queue;
using Edge.Wire;

namespace Edge.Fleet.Tests.Queue;

/// <summary>
/// Transfers made during an outage reach the fleet as the ticket's kiosk's ticket.transferred (fleet/Queue/README.md,
/// "Transfer during an outage"), on every engine: part of <see cref="QueueStoreContract"/>.
/// </summary>
public abstract partial class QueueStoreContract
{
    [Fact]
    public async Task A_transfer_recorded_by_the_tickets_kiosk_moves_the_ticket_once_and_it_is_called_once_after_it()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        List<DeviceEvent> kiosk =
        [
            Event(EventKinds.TicketCalled, "A001", Morning.AddMinutes(5), counter: "1"),
            KioskTransfer("A001", Morning.AddMinutes(7), from: "1", to: "counter:3"),
            Event(EventKinds.TicketCalled, "A001", Morning.AddMinutes(9), counter: "3"),
        ];

        Assert.Equal(3, await Store.ApplyAsync(Centre, "kiosk-1", kiosk, null, CancellationToken.None));

        // Redelivered whole, or in part, and the counters' own records: nothing changes.
        Assert.Equal(0, await Store.ApplyAsync(Centre, "kiosk-1", kiosk, null, CancellationToken.None));
        Assert.Equal(0, await Store.ApplyAsync(Centre, "kiosk-1", kiosk[1..], null, CancellationToken.None));
        Assert.Equal(0, await Store.ApplyAsync(Centre, "counter-1", [
            Event(EventKinds.TicketCalled, "A001", Morning.AddMinutes(5), counter: "1"),
            Event(EventKinds.TicketTransferred, "A001", Morning.AddMinutes(7), counter: "1") with { To = "counter:3" },
            Event(EventKinds.TicketServed, "A001", Morning.AddMinutes(8), counter: "1"),
        ], null, CancellationToken.None));
        Assert.Equal(1, await Store.ApplyAsync(Centre, "counter-3", [Event(EventKinds.TicketServed, "A001", Morning.AddMinutes(12), counter: "3")], null, CancellationToken.None));

        var moved = Assert.Single(await TicketsAsync(Today), t => t.Number == "A001");
        Assert.Equal(
            (TicketStates.Served, "3", "1", 1, Morning.AddMinutes(5).UtcDateTime, Morning.AddMinutes(12).UtcDateTime),
            (moved.State, moved.Counter, moved.TransferredFrom, moved.Transfers, moved.CalledAt, moved.ServedAt));
        Assert.Equal("A002", (await CallAsync(Store, "counter-3", Request("3"))).Ticket);
        Assert.Null((await CallAsync(Store, "counter-3", Request("3"))).Ticket);
    }

    [Fact]
    public async Task A_kiosk_transfer_to_a_field_waits_in_that_fields_list_by_its_issue_time()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("B001", "Đất đai"));
        Assert.Equal(2, await Store.ApplyAsync(Centre, "kiosk-1", [
            Event(EventKinds.TicketCalled, "A001", Morning.AddMinutes(5), counter: "1"),
            KioskTransfer("A001", Morning.AddMinutes(7), from: "1", to: "field:Đất đai"),
        ], null, CancellationToken.None));

        // Issued before B001, it comes first in its new field; a counter of its old field does not get it.
        Assert.Null((await CallAsync(Store, "counter-1", Request("1", "Tư pháp"))).Ticket);
        Assert.Equal("A001", (await CallAsync(Store, "counter-2", Request("2", "Đất đai"))).Ticket);
        Assert.Equal("B001", (await CallAsync(Store, "counter-2", Request("2", "Đất đai"))).Ticket);
        Assert.Equal(("Đất đai", 1), (await TicketsAsync(Today)).Where(t => t.Number == "A001").Select(t => (t.Field, t.Transfers)).Single());
    }

    [Fact]
    public async Task A_kiosk_transfer_is_applied_only_from_the_tickets_kiosk_and_only_while_the_counter_has_it()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        Assert.Equal("A001", (await CallAsync(Store, "counter-1", Request("1"))).Ticket);

        Assert.Equal(0, await Store.ApplyAsync(Centre, "kiosk-2", [KioskTransfer("A001", Morning.AddMinutes(7), from: "1", to: "counter:3")], null, CancellationToken.None));
        Assert.Equal(0, await Store.ApplyAsync(Centre, "kiosk-1", [
            KioskTransfer("A001", Morning.AddMinutes(7), from: "2", to: "counter:3"),
            KioskTransfer("A002", Morning.AddMinutes(7), from: "1", to: "counter:3"),
            KioskTransfer("A001", Morning.AddMinutes(7), from: "1", to: "elsewhere"),
            KioskTransfer("A001", Morning.AddMinutes(7), from: "1", to: "counter:" + new string('9', 100)),
        ], null, CancellationToken.None));
        // The fleet's hand-out to counter 1, transferred by the kiosk (the counter's confirmation reached it, then the link dropped).
        Assert.Equal(1, await Store.ApplyAsync(Centre, "kiosk-1", [KioskTransfer("A001", Morning.AddMinutes(7), from: "1", to: "counter:3")], null, CancellationToken.None));

        Assert.Equal("A002", (await CallAsync(Store, "counter-1", Request("1"))).Ticket);
        Assert.Equal("A001", (await CallAsync(Store, "counter-3", Request("3"))).Ticket);
    }

    [Fact]
    public async Task A_later_counters_service_that_arrives_before_the_kiosks_transfer_is_kept()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"));
        await Store.ApplyAsync(Centre, "kiosk-1", [Event(EventKinds.TicketCalled, "A001", Morning.AddMinutes(5), counter: "1")], null, CancellationToken.None);

        // Counter 3's outbox drained before the kiosk's, after the link returned.
        await Store.ApplyAsync(Centre, "counter-3", [
            Event(EventKinds.TicketCalled, "A001", Morning.AddMinutes(9), counter: "3"),
            Event(EventKinds.TicketServed, "A001", Morning.AddMinutes(12), counter: "3"),
        ], null, CancellationToken.None);
        await Store.ApplyAsync(Centre, "kiosk-1", [
            KioskTransfer("A001", Morning.AddMinutes(7), from: "1", to: "counter:3"),
            Event(EventKinds.TicketCalled, "A001", Morning.AddMinutes(9), counter: "3"),
        ], null, CancellationToken.None);

        var ticket = Assert.Single(await TicketsAsync(Today));
        Assert.Equal((TicketStates.Served, "3", 1, Morning.AddMinutes(12).UtcDateTime), (ticket.State, ticket.Counter, ticket.Transfers, ticket.ServedAt));
        Assert.Null((await CallAsync(Store, "counter-3", Request("3"))).Ticket);
    }

    private static DeviceEvent KioskTransfer(string ticket, DateTimeOffset at, string from, string to) =>
        Event(EventKinds.TicketTransferred, ticket, at, counter: from) with { To = to };
}
