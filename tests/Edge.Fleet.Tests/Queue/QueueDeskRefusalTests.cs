using Edge.Fleet.Broker;
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
/// Bad input at the desk: a call for a field the counter does not serve, a transfer to an unknown counter, a recall of
/// a ticket of another centre. Each is refused with a reason the counter display shows, counted, and changes nothing.
/// </summary>
public sealed class QueueDeskRefusalTests : IDisposable
{
    private const string Centre = "centre-1";
    private static readonly DateTimeOffset FleetNow = new(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(7));
    private const string Today = "2026-11-23";

    private readonly TempFolder _folder = new("queue-refusals");
    private readonly LiteQueueStore _store;
    private readonly RegistryFile _registryDb;
    private readonly QueueRefusalCounts _counts = new();
    private readonly QueueDesk _desk;

    public QueueDeskRefusalTests()
    {
        _store = new LiteQueueStore(_folder[LiteQueueStore.FileName]);
        _registryDb = new RegistryFile(_folder["registry.db"]);
        var time = new FakeTimeProvider(FleetNow.ToUniversalTime());
        var registry = new DeviceRegistry(_registryDb, time);
        RegisteredDevice[] devices =
        [
            new() { Id = "counter-1", Centre = Centre, Counter = "1" },
            new() { Id = "counter-3", Centre = Centre, Counter = "3" },
            new() { Id = "counter-4", Centre = "centre-2", Counter = "4" },
            new() { Id = "kiosk-1", Centre = Centre, Role = DeviceRoles.Kiosk },
            new() { Id = "kiosk-2", Centre = "centre-2", Role = DeviceRoles.Kiosk },
        ];
        _registryDb.Write(() => _registryDb.Collection<RegisteredDevice>(LiteDeviceStore.Collection).Insert(devices));
        registry.ReloadAsync(CancellationToken.None).GetAwaiter().GetResult();
        _desk = new QueueDesk(
            _store, registry, new QueueDeskTests.NoReplies(), new DeviceTimeline(new HeartbeatBoard()), time,
            Options.Create(new QueueOptions()), _counts, NullLogger<QueueDesk>.Instance);
    }

    public void Dispose()
    {
        _store.Dispose();
        _registryDb.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_call_for_a_field_the_counter_does_not_serve_is_refused()
    {
        await IssueAsync("kiosk-1", Today, ("B001", "Đất đai"));

        var reply = await AnswerAsync(Next("1", ["Tư pháp"]) with { Field = "Đất đai" });

        await AssertRefusedAsync(reply, CallRefusals.FieldNotServed, "E1");
    }

    [Fact]
    public async Task A_transfer_to_an_unknown_counter_is_refused_and_to_a_known_one_is_done()
    {
        await IssueAsync("kiosk-1", Today, ("A001", "Tư pháp"));
        Assert.Equal("A001", (await AnswerAsync(Next("1", []))).Ticket);

        await AssertRefusedAsync(await AnswerAsync(Transfer("1", "A001", toCounter: "9")), CallRefusals.UnknownCounter, "E2");
        await AssertRefusedAsync(await AnswerAsync(Transfer("1", "A001", toCounter: "4")), CallRefusals.UnknownCounter, "E2");
        Assert.Equal(2, _counts.Snapshot()[CallRefusals.UnknownCounter]);

        var done = await AnswerAsync(Transfer("1", "A001", toCounter: "3"));
        Assert.Equal(("A001", null), (done.Ticket, done.Reason));
    }

    [Fact]
    public async Task A_recall_of_a_ticket_of_another_centre_is_refused_and_of_its_own_by_code_is_done()
    {
        await IssueAsync("kiosk-1", Today, ("A001", "Tư pháp"));
        await AnswerAsync(Next("1", []));
        await _store.ApplyAsync(Centre, "counter-1", [new DeviceEvent
        {
            Seq = 1, Kind = EventKinds.TicketSkipped, At = FleetNow.AddMinutes(-1), Ticket = "A001", Field = "Tư pháp", Detail = Today, Counter = "1",
        }], null, CancellationToken.None);

        await AssertRefusedAsync(await AnswerAsync(Recall("1", $"edge:kiosk-2:{Today}:A001")), CallRefusals.OtherCentre, "E3");

        var back = await AnswerAsync(Recall("1", $"edge:kiosk-1:{Today}:A001"));
        Assert.Equal(("A001", null), (back.Ticket, back.Reason));
    }

    [Fact]
    public async Task A_kiosk_hears_how_many_wait_ahead_and_an_estimate_from_todays_services()
    {
        await IssueAsync("kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"), ("A003", "Tư pháp"));
        await AnswerAsync(Next("1", []));
        await _store.ApplyAsync(Centre, "counter-1", [
            new DeviceEvent { Seq = 1, Kind = EventKinds.TicketCalled, At = FleetNow.AddMinutes(-10), Ticket = "A001", Field = "Tư pháp", Detail = Today, Counter = "1" },
            new DeviceEvent { Seq = 2, Kind = EventKinds.TicketServed, At = FleetNow.AddMinutes(-4), Ticket = "A001", Field = "Tư pháp", Detail = Today, Counter = "1" },
        ], null, CancellationToken.None);

        var reply = await AnswerAsync(new CallRequest("w1", CallActions.Waiting, "kiosk", []) { Field = "Tư pháp" });

        // Two wait; one counter served the field today in 6 minutes: 12 minutes.
        Assert.Equal((2, 720.0), (reply.Waiting, reply.EstimatedWaitS));
        Assert.Empty(_counts.Snapshot());
    }

    private async Task AssertRefusedAsync(CallReply reply, string reason, string code)
    {
        Assert.Equal((null, reason), (reply.Ticket, reply.Reason));
        Assert.False(string.IsNullOrEmpty(reply.Error));
        Assert.Equal(code, CallRefusals.Display(reason).Code);
        var before = await _store.TicketsAsync(Centre, Today, CancellationToken.None);
        Assert.All(before, t => Assert.Equal(0, t.Transfers));
    }

    private async Task<CallReply> AnswerAsync(CallRequest request)
    {
        var reply = await _desk.AnswerAsync(Centre, $"counter-{request.Counter}", request, CancellationToken.None);
        if (reply.Reason is { } reason)
        {
            _counts.Count(reason);
        }

        return reply;
    }

    private Task<int> IssueAsync(string kiosk, string day, params (string Number, string Field)[] tickets) =>
        _store.ApplyAsync(Centre, kiosk, tickets.Select((t, i) => new DeviceEvent
        {
            Seq = i + 1, Kind = EventKinds.TicketIssued, At = FleetNow.AddMinutes(-30).AddSeconds(i), Ticket = t.Number, Field = t.Field, Detail = day,
        }).ToList(), null, CancellationToken.None);

    private static CallRequest Next(string counter, string[] fields) => new(Guid.NewGuid().ToString("N"), CallActions.Next, counter, fields);

    private static CallRequest Transfer(string counter, string ticket, string toCounter) =>
        new(Guid.NewGuid().ToString("N"), CallActions.Transfer, counter, []) { Ticket = ticket, Day = Today, ToCounter = toCounter };

    private static CallRequest Recall(string counter, string ticket) =>
        new(Guid.NewGuid().ToString("N"), CallActions.Recall, counter, []) { Ticket = ticket };
}
