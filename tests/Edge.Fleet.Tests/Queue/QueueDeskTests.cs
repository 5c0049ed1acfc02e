using Edge.Fleet.Clock;
using Edge.Fleet.Health;
using Edge.Fleet.Queue;
using Edge.Fleet.Registry;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Tests.Queue;

/// <summary>
/// A kiosk Pi without an RTC that restarted before NTP labels its tickets with the last day it numbered. The desk
/// puts those tickets in the list of the day they were really issued, from the kiosk's heartbeats.
/// </summary>
public sealed class QueueDeskTests : IDisposable
{
    private const string Centre = QueueDesk.NoCentre;
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);
    private static readonly DateTimeOffset FleetNow = new(2026, 11, 23, 9, 0, 0, Vietnam);
    private static readonly DateTimeOffset KioskBelieves = new(2026, 11, 22, 21, 0, 0, Vietnam);

    private readonly TempFolder _folder = new("queue-desk");
    private readonly LiteQueueStore _store;
    private readonly RegistryFile _registryDb;
    private readonly HeartbeatBoard _board = new();
    private readonly QueueDesk _desk;

    public QueueDeskTests()
    {
        _store = new LiteQueueStore(_folder[LiteQueueStore.FileName]);
        _registryDb = new RegistryFile(_folder["registry.db"]);
        var time = new FakeTimeProvider(FleetNow.ToUniversalTime());
        _desk = new QueueDesk(
            _store, new DeviceRegistry(_registryDb, time), new NoReplies(), new DeviceTimeline(_board), time,
            Options.Create(new QueueOptions()), new QueueRefusalCounts(), NullLogger<QueueDesk>.Instance);
    }

    public void Dispose()
    {
        _store.Dispose();
        _registryDb.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Tickets_of_an_unsynchronised_kiosk_join_the_day_they_were_issued_and_keep_their_printed_day()
    {
        // Kiosk k-stale: run r1, last heartbeat just now at uptime 600 s; k-synced issued a ticket at 08:50 today.
        _board.Offer(new HealthSample("k-stale", FleetNow.AddSeconds(-1), new HealthReport { At = KioskBelieves, UptimeMs = 600_000, Run = "r1", ClockSynced = false }));
        await IssueAsync("k-synced", Ticket("B001", "2026-11-23", FleetNow.AddMinutes(-10)));
        await IssueAsync("k-stale",
            Ticket("A158", "2026-11-22", KioskBelieves, run: "r1", uptimeMs: 540_000),          // a minute ago: today
            Ticket("A157", "2026-11-22", KioskBelieves, run: "r1", uptimeMs: 600_000 - 14 * 3_600_000 + 60_000)); // last evening

        var today = await _store.TicketsAsync(Centre, "2026-11-23", CancellationToken.None);
        Assert.Equal(["B001", "A158"], today.Select(t => t.Number));
        Assert.Equal(FleetNow.AddSeconds(-61).UtcDateTime, today[1].IssuedAt);
        Assert.Equal(["A157"], (await _store.TicketsAsync(Centre, "2026-11-22", CancellationToken.None)).Select(t => t.Number));

        // Called today in issue order; the reply carries the printed day, which names the ticket in later events.
        var first = await ((IQueueStore)_store).CallNextAsync(Centre, "counter-1", Request("1"), _desk.Today(), FleetNow, CancellationToken.None);
        var second = await ((IQueueStore)_store).CallNextAsync(Centre, "counter-1", Request("1"), _desk.Today(), FleetNow, CancellationToken.None);
        Assert.Equal(("B001", "2026-11-23"), (first.Ticket, first.Day));
        Assert.Equal(("A158", "2026-11-22"), (second.Ticket, second.Day));
        Assert.Null((await ((IQueueStore)_store).CallNextAsync(Centre, "counter-1", Request("1"), _desk.Today(), FleetNow, CancellationToken.None)).Ticket);
    }

    [Fact]
    public async Task Without_a_heartbeat_of_its_run_an_unsynchronised_ticket_joins_the_day_it_arrived()
    {
        await IssueAsync("k-new", Ticket("A001", "2026-11-22", KioskBelieves, run: "r9", uptimeMs: 1_000));

        var ticket = Assert.Single(await _store.TicketsAsync(Centre, "2026-11-23", CancellationToken.None));
        Assert.Equal(FleetNow.UtcDateTime, ticket.IssuedAt);
        Assert.Equal("2026-11-22", ticket.Day);
    }

    private Task<int> IssueAsync(string kiosk, params DeviceEvent[] tickets) =>
        _store.ApplyAsync(Centre, kiosk, tickets, e => _desk.PlaceTicket(kiosk, e), CancellationToken.None);

    private static DeviceEvent Ticket(string number, string day, DateTimeOffset at, string? run = null, long uptimeMs = 0) => new()
    {
        Seq = 0,
        Kind = EventKinds.TicketIssued,
        At = at,
        UptimeMs = uptimeMs,
        Run = run,
        ClockSynced = run is null ? null : false,
        Ticket = number,
        Field = "Đất đai",
        Detail = day,
    };

    private static CallRequest Request(string counter) => new(Guid.NewGuid().ToString("N"), CallActions.Next, counter, []);

    internal sealed class NoReplies : IQueueReplySender
    {
        public Task SendAsync(string deviceId, CallReply reply, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
