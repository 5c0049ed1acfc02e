using Edge.Fleet.Tests.Support;
using Edge.Fleet.Queue;
using Edge.Testing;
using Edge.Wire;

namespace Edge.Fleet.Tests.Queue;

/// <summary>The queue store contract on the embedded LiteDB file, plus what only a file of this node has to show.</summary>
public sealed class LiteQueueStoreTests : QueueStoreContract
{
    private readonly TempFolder _folder = new("lite-queue");

    protected override Task<IQueueStore> CreateStoreAsync() => Task.FromResult<IQueueStore>(new LiteQueueStore(_folder[LiteQueueStore.FileName]));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task After_reopening_the_file_calls_continue_in_order_and_a_resend_gets_the_same_answer()
    {
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        var request = Request("1");
        var first = await CallAsync(Store, "c1", request);
        await base.DisposeAsync();

        using var reopened = new LiteQueueStore(_folder[LiteQueueStore.FileName]);

        Assert.Equal(first, await CallAsync(reopened, "c1", request));
        Assert.Equal("A002", (await CallAsync(reopened, "c1", Request("1"))).Ticket);
        var tickets = await reopened.TicketsAsync(Centre, Today, CancellationToken.None);
        Assert.Equal([1L, 2L], tickets.Select(t => t.CallOrder));
    }

    [Fact]
    public async Task On_a_full_disk_a_call_and_a_ticket_batch_are_refused_naming_the_queue_store_then_succeed_without_a_restart()
    {
        var outage = new FullDiskOutage();
        using var store = new LiteQueueStore("queue.db", outage.Outages, outage.Opening);
        await IssueAsync(store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        Assert.Equal("A001", (await CallAsync(store, "c1", Request("1"))).Ticket);
        var second = Request("1");

        // The hand-out whose commit fails counted its call order up in memory; the reopened file starts from what is on disk.
        await outage.ShowsOutageAndRecoveryAsync(
            "queue",
            async () => Assert.Equal("A002", (await CallAsync(store, "c1", second)).Ticket),
            async () =>
            {
                Assert.Equal(1, await IssueAsync(store, "kiosk-1", Today, ("A003", "Tư pháp")));
                var tickets = await store.TicketsAsync(Centre, Today, CancellationToken.None);
                Assert.Equal([("A001", 1L), ("A002", 2L), ("A003", 0L)], tickets.OrderBy(t => t.Number, StringComparer.Ordinal).Select(t => (t.Number, t.CallOrder)));
                Assert.Equal("A002", (await CallAsync(store, "c1", second)).Ticket);
            },
            () => IssueAsync(store, "kiosk-1", Today, ("A003", "Tư pháp")),
            () => store.TicketsAsync(Centre, Today, CancellationToken.None));
    }

    [Fact]
    public async Task Events_of_unknown_tickets_beyond_the_centres_limit_are_dropped_and_counted()
    {
        var parking = new QueueParkingCounts();
        using var store = new LiteQueueStore(_folder["limited.db"], parking: parking);
        var invented = Enumerable.Range(1, QueueParking.MaxPerCentre + 5)
            .Select(n => Event(EventKinds.TicketServed, $"X{n:00000}", Morning, counter: "1") with { Seq = n }).ToList();

        Assert.Equal(0, await store.ApplyAsync(Centre, "counter-1", invented, null, CancellationToken.None));
        Assert.Equal(0, await store.ApplyAsync(Centre, "counter-1", [Event(EventKinds.TicketServed, "A001", Morning, counter: "1") with { Seq = 99_999 }], null, CancellationToken.None));

        Assert.Equal((QueueParking.MaxPerCentre, 0L, 6L), (parking.Parked, parking.Applied, parking.Dropped));
        // Another centre still parks; an invented number that is then issued gets its event.
        await store.ApplyAsync("centre-2", "counter-9", [Event(EventKinds.TicketServed, "A001", Morning, counter: "9") with { Seq = 1 }], null, CancellationToken.None);
        await IssueAsync(store, "kiosk-1", Today, ("X00001", "Tư pháp"));
        Assert.Equal(TicketStates.Served, Assert.Single(await store.TicketsAsync(Centre, Today, CancellationToken.None)).State);
        Assert.Equal((QueueParking.MaxPerCentre + 1L, 1L), (parking.Parked, parking.Applied));
    }
}
