using Edge.Fleet.Queue;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Edge.Wire;
using Npgsql;
using Edge.Fleet.Store;

namespace Edge.Fleet.Tests.Queue;

/// <summary>
/// The queue store contract on PostgreSQL (a throwaway server per class, a fresh database per test), plus what only
/// a shared store has to show: several nodes (store instances, each with its own data source) on one database.
/// </summary>
public sealed class PostgresQueueStoreTests(PostgresServerFixture postgres) : QueueStoreContract, IClassFixture<PostgresServerFixture>
{
    protected override async Task<IQueueStore> CreateStoreAsync() => new PostgresQueueStore(await MigratedDatabaseAsync(postgres));

    private PostgresQueueStore OtherNode() => new(SecondNode());

    [Fact]
    public async Task Four_counters_on_two_nodes_call_each_of_200_tickets_once_in_issue_order_per_field()
    {
        var nodes = new[] { Store, OtherNode() };
        string[] fields = ["Tư pháp", "Đất đai", "Lao động"];
        string[] prefixes = ["A", "B", "C"];

        // Two kiosks (numbers 1.. and 500..), issuing in turn, a second apart, over three fields; each kiosk's batches
        // reach both nodes at once (a redelivery racing the first copy).
        var issued = new List<(string Kiosk, DeviceEvent Event)>();
        for (var i = 0; i < 200; i++)
        {
            var kiosk = i % 2;
            var field = (i / 2) % 3;
            var number = $"{prefixes[field]}{(kiosk == 0 ? 1 : 500) + (i / 6):000}";
            issued.Add(($"kiosk-{kiosk + 1}", Event(EventKinds.TicketIssued, number, Morning.AddSeconds(i), field: fields[field])));
        }

        var feeds = issued.GroupBy(x => x.Kiosk).SelectMany(kiosk => kiosk.Chunk(20).SelectMany(batch => nodes.Select(node =>
            node.ApplyAsync(Centre, kiosk.Key, batch.Select(x => x.Event).ToList(), null, CancellationToken.None))));
        var changed = await Task.WhenAll(feeds);
        Assert.Equal(200, changed.Sum());

        // Counter 1 serves A, counter 2 A and B, counter 3 everything, counter 4 C; counters 1 and 3 on node 0, and
        // every fifth request of each counter is resent to the other node.
        (IQueueStore Node, IQueueStore Other, string Device, string[] Fields)[] counters =
        [
            (nodes[0], nodes[1], "counter-1", [fields[0]]), (nodes[1], nodes[0], "counter-2", [fields[0], fields[1]]),
            (nodes[0], nodes[1], "counter-3", []), (nodes[1], nodes[0], "counter-4", [fields[2]]),
        ];
        var replies = await Task.WhenAll(counters.Select(c => Task.Run(async () =>
        {
            var got = new List<(CallRequest Request, CallReply Reply)>();
            while (true)
            {
                var request = Request(c.Device[^1..], c.Fields);
                var reply = await c.Node.CallNextAsync(Centre, c.Device, request, Today, FleetNow, CancellationToken.None);
                if (reply.Ticket is null)
                {
                    return got;
                }

                Assert.Contains(reply.Field, c.Fields.Length == 0 ? fields : c.Fields);
                got.Add((request, reply));
                if (got.Count % 5 == 0)
                {
                    // The reply was lost: the counter resends, and the other node answers the same.
                    Assert.Equal(reply, await c.Other.CallNextAsync(Centre, c.Device, request, Today, FleetNow, CancellationToken.None));
                }
            }
        })));

        var handedOut = replies.SelectMany(r => r).Select(r => r.Reply.Ticket!).ToList();
        Assert.Equal(200, handedOut.Count);
        Assert.Equal(200, handedOut.Distinct().Count());

        var tickets = await Store.TicketsAsync(Centre, Today, CancellationToken.None);
        Assert.All(tickets, t => Assert.Equal(TicketStates.Called, t.State));
        Assert.Equal(200, tickets.Select(t => t.CallOrder).Distinct().Count());
        foreach (var field in fields)
        {
            var ofField = tickets.Where(t => t.Field == field).ToList();
            Assert.Equal(
                ofField.OrderBy(t => t.IssuedAt).ThenBy(t => t.Number, StringComparer.Ordinal).Select(t => t.Number),
                ofField.OrderBy(t => t.CallOrder).Select(t => t.Number));
        }
    }

    [Fact]
    public async Task One_request_sent_to_two_nodes_at_once_takes_one_ticket()
    {
        var other = OtherNode();
        await IssueAsync(Store, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"), ("A003", "Tư pháp"));

        for (var round = 0; round < 3; round++)
        {
            var request = Request("1");
            var both = await Task.WhenAll(
                Task.Run(() => CallAsync(Store, "c1", request)),
                Task.Run(() => CallAsync(other, "c1", request)));
            Assert.Equal(both[0], both[1]);
            Assert.Equal($"A00{round + 1}", both[0].Ticket);
        }

        Assert.All(await TicketsAsync(Today), t => Assert.Equal(TicketStates.Called, t.State));
    }

    [Fact]
    public async Task Two_nodes_applying_the_same_events_at_once_change_each_ticket_once()
    {
        var other = OtherNode();
        const int count = 60;
        var issue = Enumerable.Range(1, count).Select(n => Event(EventKinds.TicketIssued, $"A{n:000}", Morning.AddSeconds(n), field: "Tư pháp")).ToList();
        var served = Enumerable.Range(1, count).SelectMany(n => new[]
        {
            Event(EventKinds.TicketCalled, $"A{n:000}", Morning.AddMinutes(n), counter: "1"),
            Event(EventKinds.TicketRecalled, $"A{n:000}", Morning.AddMinutes(n).AddSeconds(10), counter: "1"),
            Event(EventKinds.TicketServed, $"A{n:000}", Morning.AddMinutes(n).AddSeconds(50), counter: "1"),
            Event(EventKinds.Rating, $"A{n:000}", Morning.AddMinutes(n).AddSeconds(50), counter: "1") with { Level = 1 + (n % 4), Scale = 4 },
        }).ToList();

        var kiosk = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? Store : other)
            .ApplyAsync(Centre, "kiosk-1", issue, null, CancellationToken.None)));
        var counter = await Task.WhenAll(Enumerable.Range(0, 6).SelectMany(i => served.Chunk(40).Select(batch => (i % 2 == 0 ? Store : other)
            .ApplyAsync(Centre, "counter-1", batch, null, CancellationToken.None))));

        Assert.Equal(count, kiosk.Sum());
        Assert.Equal(4 * count, counter.Sum());
        var tickets = await TicketsAsync(Today);
        Assert.Equal(count, tickets.Count);
        Assert.All(tickets, t =>
        {
            Assert.Equal(TicketStates.Served, t.State);
            Assert.Single(t.RecalledAt);
        });
    }

    [Fact]
    public async Task Counters_events_racing_their_tickets_on_two_nodes_are_each_applied_once()
    {
        // After an outage the kiosk's and the counter's outboxes drain at once, to two nodes, each batch twice: the
        // counter's events meet their ticket before, during or after its insert, and none may be left parked.
        var parking = new QueueParkingCounts();
        var nodes = new IQueueStore[] { new PostgresQueueStore(SecondNode(), parking), new PostgresQueueStore(SecondNode(), parking) };
        const int count = 80;
        var issue = Enumerable.Range(1, count).Select(n => Event(EventKinds.TicketIssued, $"A{n:000}", Morning.AddSeconds(n), field: "Tư pháp") with { Seq = n }).ToList();
        var counter = Enumerable.Range(1, count).SelectMany(n => new[]
        {
            Event(EventKinds.TicketCalled, $"A{n:000}", Morning.AddMinutes(n), counter: "1") with { Seq = 3 * n },
            Event(EventKinds.TicketServed, $"A{n:000}", Morning.AddMinutes(n).AddSeconds(50), counter: "1") with { Seq = 3 * n + 1 },
            Event(EventKinds.Rating, $"A{n:000}", Morning.AddMinutes(n).AddSeconds(50), counter: "1") with { Seq = 3 * n + 2, Level = 1 + (n % 4), Scale = 4 },
        }).ToList();

        // The counter's last tickets come first for sure (parked), then both outboxes drain together, the counter ahead.
        foreach (var batch in counter.Skip(3 * (count - 6)).Chunk(9))
        {
            await nodes[0].ApplyAsync(Centre, "counter-1", batch, null, CancellationToken.None);
        }

        Assert.Equal(18, parking.Parked);
        var kioskBatches = issue.Chunk(2).SelectMany(batch => nodes.Select(node => (Node: node, Device: "kiosk-1", Batch: batch))).ToList();
        var counterBatches = counter.Chunk(9).SelectMany(batch => nodes.Reverse().Select(node => (Node: node, Device: "counter-1", Batch: batch))).ToList();
        var interleaved = Enumerable.Range(0, Math.Max(kioskBatches.Count, counterBatches.Count))
            .SelectMany(i => kioskBatches.Skip(i).Take(1).Concat(counterBatches.Skip(i).Take(1)))
            .ToList();
        Assert.Equal(kioskBatches.Count + counterBatches.Count, interleaved.Count);
        await Task.WhenAll(interleaved.Select(x => Task.Run(() => x.Node.ApplyAsync(Centre, x.Device, x.Batch, null, CancellationToken.None))));

        var tickets = await TicketsAsync(Today);
        Assert.Equal(count, tickets.Count);
        Assert.All(tickets, t => Assert.Equal((TicketStates.Served, "1"), (t.State, t.Counter)));
        Assert.Equal(Enumerable.Range(1, count).Select(n => (int?)(1 + (n % 4))), tickets.OrderBy(t => t.Number, StringComparer.Ordinal).Select(t => t.RatingLevel));
        Assert.Empty(await ((PostgresQueueStore)Store).AllParkedAsync(CancellationToken.None));
        Assert.Equal(parking.Parked, parking.Applied);
        Assert.InRange(parking.Parked, 18, 3 * count);
        Assert.Equal(0, parking.Dropped);
    }

    [Fact]
    public async Task The_copier_moves_an_embedded_queue_once_and_calls_continue_after_it()
    {
        using var folder = new TempFolder("queue-copy");
        var source = new FleetOptions { DataDir = folder.Path };
        var lastRequest = Request("1");
        IReadOnlyList<QueueTicket> embedded;
        using (var lite = new LiteQueueStore(source.FileIn(LiteQueueStore.FileName)))
        {
            await IssueAsync(lite, "kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"), ("B001", "Đất đai"), ("A003", "Tư pháp"));
            await IssueAsync(lite, "kiosk-1", "2026-11-22", ("A001", "Tư pháp"));
            await CallAsync(lite, "c1", Request("1"));
            await CallAsync(lite, "c2", lastRequest with { Counter = "2" });
            await lite.ApplyAsync(Centre, "c1", [
                Event(EventKinds.TicketRecalled, "A001", Morning.AddMinutes(5), counter: "1"),
                Event(EventKinds.TicketServed, "A001", Morning.AddMinutes(9), counter: "1"),
                Event(EventKinds.Rating, "A001", Morning.AddMinutes(9), counter: "1") with { Level = 4, Scale = 4 },
                Event(EventKinds.TicketServed, "A009", Morning.AddMinutes(9), counter: "1"),
            ], null, CancellationToken.None);
            embedded = await lite.TicketsAsync(Centre, Today, CancellationToken.None);
        }

        var target = Database;
        var copier = new QueueDataCopier();
        Assert.Equal(0, await copier.CountInTargetAsync(target, CancellationToken.None));

        var first = await copier.CopyAsync(source, target, CancellationToken.None);
        var second = await copier.CopyAsync(source, target, CancellationToken.None);

        Assert.Equal(5 + 2 + 1, first);
        Assert.Equal(0, second);
        Assert.Equal(8, await copier.CountInTargetAsync(target, CancellationToken.None));
        var copied = await TicketsAsync(Today);
        Assert.Equal(embedded.Select(Describe), copied.Select(Describe));
        Assert.Single(await TicketsAsync("2026-11-22"));

        // The copied last call answers a resend; the next hand-out continues the copied call order.
        Assert.Equal("A002", (await CallAsync(Store, "c2", lastRequest with { Counter = "2" })).Ticket);
        Assert.Equal("B001", (await CallAsync(Store, "c2", Request("2"))).Ticket);
        Assert.Equal(3, (await TicketsAsync(Today)).Single(t => t.Number == "B001").CallOrder);

        // The event parked in the file waits in PostgreSQL and is applied when its ticket comes.
        await IssueAsync(Store, "kiosk-1", Today, ("A009", "Tư pháp"));
        Assert.Equal(TicketStates.Served, (await TicketsAsync(Today)).Single(t => t.Number == "A009").State);
    }

    [Fact]
    public async Task The_copier_finds_nothing_to_copy_without_a_queue_file()
    {
        using var folder = new TempFolder("queue-copy-empty");

        Assert.Equal(0, await new QueueDataCopier().CopyAsync(new FleetOptions { DataDir = folder.Path }, Database, CancellationToken.None));
        Assert.False(File.Exists(folder[LiteQueueStore.FileName]));
    }

    private static string Describe(QueueTicket t) =>
        $"{t.Id} {t.CentreDay} {t.Field} {t.Kiosk} {t.IssuedAt:O} {t.State} {t.Counter} {t.AssignedAt:O} {t.CallOrder} {t.CalledAt:O} {t.ServedAt:O} " +
        $"{t.SkippedAt:O} [{string.Join(",", t.RecalledAt.Select(r => r.ToString("O")))}] {t.RatingLevel} {t.RatingScale}";
}
