using Edge.Fleet.Queue;
using Edge.Testing;
using Edge.Wire;

namespace Edge.Fleet.Tests.Queue;

public sealed class QueueBookTests : IDisposable
{
    private const string Centre = "centre-1";
    private const string Today = "2026-11-23";
    private static readonly DateTimeOffset Morning = new(2026, 11, 23, 8, 0, 0, TimeSpan.FromHours(7));

    private readonly TempFolder _folder = new("queue-book");
    private readonly QueueBook _book;

    public QueueBookTests() => _book = new QueueBook(_folder["queue.db"]);

    public void Dispose()
    {
        _book.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Counters_calling_at_the_same_instant_never_get_the_same_ticket()
    {
        Issue("kiosk-1", Today, Enumerable.Range(1, 100).Select(n => ($"A{n:000}", "Đất đai")).ToArray());

        var calls = await Task.WhenAll(Enumerable.Range(1, 8).Select(counter => Task.Run(() =>
            Enumerable.Range(0, 15).Select(_ => _book.CallNext(Centre, $"counter-{counter}", Request(counter.ToString()), Today, TimeProvider.System).Ticket).ToList())));

        var called = calls.SelectMany(c => c).OfType<string>().ToList();
        Assert.Equal(100, called.Count);
        Assert.Equal(100, called.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 100).Select(n => $"A{n:000}"),
            _book.Tickets(Centre, Today).OrderBy(t => t.CallOrder).Select(t => t.Number));
    }

    [Fact]
    public void A_counter_gets_only_its_fields_oldest_first()
    {
        Issue("kiosk-1", Today, ("A001", "Tư pháp"), ("B001", "Đất đai"), ("A002", "Tư pháp"));

        Assert.Equal("B001", _book.CallNext(Centre, "c1", Request("1", "Đất đai"), Today, TimeProvider.System).Ticket);
        Assert.Null(_book.CallNext(Centre, "c1", Request("1", "Đất đai"), Today, TimeProvider.System).Ticket);
        var reply = _book.CallNext(Centre, "c2", Request("2"), Today, TimeProvider.System);
        Assert.Equal(("A001", 1), (reply.Ticket, reply.Waiting));
    }

    [Fact]
    public void A_resent_request_gets_the_same_ticket()
    {
        Issue("kiosk-1", Today, ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        var request = Request("1");

        var first = _book.CallNext(Centre, "c1", request, Today, TimeProvider.System);
        var again = _book.CallNext(Centre, "c1", request, Today, TimeProvider.System);

        Assert.Equal(first, again);
        Assert.Equal("A002", _book.CallNext(Centre, "c1", Request("1"), Today, TimeProvider.System).Ticket);
    }

    [Fact]
    public void Yesterdays_waiting_tickets_are_not_called_on_the_next_day()
    {
        Issue("kiosk-1", "2026-11-22", ("A001", "Tư pháp"), ("A002", "Tư pháp"));
        Issue("kiosk-1", Today, ("A001", "Tư pháp"));

        var reply = _book.CallNext(Centre, "c1", Request("1"), Today, TimeProvider.System);

        Assert.Equal(("A001", Today, 0), (reply.Ticket, reply.Day, reply.Waiting));
        Assert.Null(_book.CallNext(Centre, "c1", Request("1"), Today, TimeProvider.System).Ticket);
        Assert.All(_book.Tickets(Centre, "2026-11-22"), t => Assert.Equal(TicketStates.Waiting, t.State));
    }

    [Fact]
    public void Redelivered_events_change_nothing_and_waiting_times_come_from_the_events()
    {
        Issue("kiosk-1", Today, ("A001", "Tư pháp"));
        Issue("kiosk-1", Today, ("A001", "Tư pháp"));
        _book.CallNext(Centre, "c1", Request("3"), Today, TimeProvider.System);
        var called = Event(EventKinds.TicketCalled, "A001", Morning.AddMinutes(12), counter: "3");
        var served = Event(EventKinds.TicketServed, "A001", Morning.AddMinutes(20), counter: "3");
        var rating = Event(EventKinds.Rating, "A001", Morning.AddMinutes(20), counter: "3") with { Level = 4, Scale = 4 };
        _book.Apply(Centre, "counter-3", [called, served, rating]);
        _book.Apply(Centre, "counter-3", [called, served, rating]);

        var stats = QueueFigures.Stats(Centre, Today, _book.Tickets(Centre, Today));

        Assert.Equal(1, stats.All.Issued);
        Assert.Equal(12 * 60, stats.All.WaitAvgS);
        Assert.Equal(8 * 60, stats.All.ServiceAvgS);
        Assert.Equal((1, 1.0), (stats.All.Ratings, stats.All.SatisfactionIndex));
        Assert.Equal("3", Assert.Single(stats.ByCounter).Key);
    }

    private void Issue(string kiosk, string day, params (string Number, string Field)[] tickets) =>
        _book.Apply(Centre, kiosk, tickets.Select((t, i) => Event(EventKinds.TicketIssued, t.Number, Morning.AddSeconds(i), day: day, field: t.Field)).ToList());

    private static DeviceEvent Event(string kind, string ticket, DateTimeOffset at, string day = Today, string? field = null, string? counter = null) =>
        new() { Seq = 0, Kind = kind, At = at, Ticket = ticket, Field = field, Detail = day, Counter = counter };

    private static CallRequest Request(string counter, params string[] fields) =>
        new(Guid.NewGuid().ToString("N"), CallActions.Next, counter, fields);
}
