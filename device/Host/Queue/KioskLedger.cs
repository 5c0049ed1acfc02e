using Edge.Queue;
using Edge.Storage;
using Edge.Wire;
using LiteDB;

namespace Edge.Device.Queue;

/// <summary>
/// A kiosk's own record of its tickets and who has each (<c>{DataDir}/kiosk-ledger.db</c>): entered as each ticket is
/// issued, completed by the counters' confirmations of the fleet's hand-outs (<see cref="Claim"/>) and by its own
/// hand-outs during an outage (<see cref="Take"/>). Every change is one durable commit (checkpointed) before the kiosk
/// answers, so a kiosk killed right after handing a ticket out never hands it out again. This is what makes the kiosk
/// its tickets' authority while the fleet is away (fleet/Queue/README.md, "When the centre loses its link").
/// </summary>
public sealed class KioskLedger : IDisposable
{
    private const string TicketsCollection = "tickets";

    private readonly Lock _gate = new();
    private readonly Lazy<LiteDatabase> _db;
    private long _lastCallOrder = -1;

    /// <summary>The file is opened on first use: only a kiosk has one.</summary>
    public KioskLedger(string path) => _db = new Lazy<LiteDatabase>(() => LiteFile.Open(path, TicketsCollection));

    private ILiteCollection<LedgerTicket> Tickets
    {
        get
        {
            var tickets = _db.Value.GetCollection<LedgerTicket>(TicketsCollection);
            if (_lastCallOrder < 0)
            {
                tickets.EnsureIndex(t => t.Day);
                _lastCallOrder = tickets.Count() == 0 ? 0 : tickets.Max(t => t.CallOrder);
            }

            return tickets;
        }
    }

    /// <summary>A ticket just issued (its ticket.issued event is in the outbox). Days before <paramref name="day"/> are dropped.</summary>
    public void Issued(string day, string number, string field, bool priority, DateTimeOffset at)
    {
        lock (_gate)
        {
            LiteFile.CommitDurably(_db.Value, () =>
            {
                Tickets.DeleteMany(t => t.Day != day);
                Tickets.Upsert(new LedgerTicket { Id = IdOf(day, number), Day = day, Number = number, Field = field, Priority = priority, IssuedAt = at.UtcDateTime });
                return 0;
            });
        }
    }

    /// <summary>The tickets of <paramref name="day"/> a counter may call, and the latest hand-outs of its fields (for the fairness rule).</summary>
    public IReadOnlyList<LanTicket> Heads(string day, LanHeadsRequest request)
    {
        lock (_gate)
        {
            var all = Tickets.Find(t => t.Day == day).ToList();
            var waiting = all.Where(t => t.State == TicketStates.Waiting && NextTicketChooser.IsFor(t, request.Counter, request.Fields, request.Field));
            var handed = all.Where(t => t.CallOrder > 0).OrderByDescending(t => t.CallOrder).Take(20);
            return waiting.Concat(handed)
                .Select(t => new LanTicket(t.Number, t.Field, t.Day, new DateTimeOffset(t.IssuedAt, TimeSpan.Zero), t.Priority, t.State, t.CallOrder, t.TargetCounter))
                .ToList();
        }
    }

    /// <summary>
    /// Hands a waiting ticket to a counter during an outage, durably. The same request again is answered as before.
    /// <see cref="TakeResult.NeedsEvent"/>: the caller writes the ticket.called event and then <see cref="EventWritten"/>.
    /// </summary>
    public TakeResult Take(LanTakeRequest request) => Hand(request, locally: true);

    /// <summary>A counter reports the fleet handed it a ticket: recorded unless the kiosk already handed it to another.</summary>
    public TakeResult Claim(LanTakeRequest request) => Hand(request, locally: false);

    public LedgerTicket? Find(string day, string number)
    {
        lock (_gate)
        {
            return Tickets.FindById(IdOf(day, number));
        }
    }

    public void EventWritten(string day, string number, long seq)
    {
        lock (_gate)
        {
            if (Tickets.FindById(IdOf(day, number)) is { } ticket && ticket.EventSeq == 0)
            {
                ticket.EventSeq = seq;
                Tickets.Update(ticket);
            }
        }
    }

    /// <summary>The outbox seq of the latest local hand-out (0: none): until the fleet acknowledges it, the kiosk keeps its authority.</summary>
    public long LastLocalSeq()
    {
        lock (_gate)
        {
            return Tickets.Find(t => t.HandedLocally).Select(t => t.EventSeq).DefaultIfEmpty(0).Max();
        }
    }

    /// <summary>Local hand-outs whose event is not in the outbox (the kiosk died between the two): written again at start.</summary>
    public IReadOnlyList<LedgerTicket> WithoutEvent()
    {
        lock (_gate)
        {
            return Tickets.Find(t => t.HandedLocally && t.EventSeq == 0).ToList();
        }
    }

    public void Dispose()
    {
        if (_db.IsValueCreated)
        {
            _db.Value.Dispose();
        }
    }

    private TakeResult Hand(LanTakeRequest request, bool locally)
    {
        lock (_gate)
        {
            var ticket = Tickets.FindById(IdOf(request.Day, request.Number));
            if (ticket is null)
            {
                return new TakeResult(LanOutcomes.Unknown, null, null, false);
            }

            if (ticket.State != TicketStates.Waiting)
            {
                // The same request again is answered as before. A claim of the fleet's hand-out is the counter's only
                // if the kiosk did not hand that ticket out itself: a counter whose fleet answer came late (after it
                // had called the same ticket through this kiosk) must not call it a second time.
                var mine = ticket.Counter == request.Counter && (ticket.RequestId == request.RequestId || (!locally && !ticket.HandedLocally));
                return new TakeResult(mine ? LanOutcomes.Yours : LanOutcomes.Taken, ticket.Counter, ticket, mine && ticket.HandedLocally && ticket.EventSeq == 0);
            }

            ticket.State = TicketStates.Called;
            ticket.Counter = request.Counter;
            ticket.RequestId = request.RequestId;
            ticket.HandedLocally = locally;
            ticket.CallOrder = ++_lastCallOrder;
            LiteFile.CommitDurably(_db.Value, () => Tickets.Update(ticket));
            return new TakeResult(LanOutcomes.Yours, ticket.Counter, ticket, locally);
        }
    }

    private static string IdOf(string day, string number) => $"{day}|{number}";
}

/// <summary>The answer to a take or claim; <see cref="NeedsEvent"/>: a local hand-out whose ticket.called is not yet in the outbox.</summary>
public sealed record TakeResult(string Outcome, string? Counter, LedgerTicket? Ticket, bool NeedsEvent);

/// <summary>One ticket in the kiosk's ledger.</summary>
public sealed class LedgerTicket : IQueuedTicket
{
    /// <summary>"{day}|{number}".</summary>
    public string Id { get; set; } = "";

    public string Day { get; set; } = "";

    public string Number { get; set; } = "";

    public string Field { get; set; } = "";

    public DateTime IssuedAt { get; set; }

    public bool Priority { get; set; }

    public string State { get; set; } = TicketStates.Waiting;

    public string? Counter { get; set; }

    public string? RequestId { get; set; }

    /// <summary>Handed out by this kiosk during an outage (false: by the fleet, as a counter confirmed).</summary>
    public bool HandedLocally { get; set; }

    /// <summary>Outbox seq of the ticket.called event of a local hand-out (0: not written yet).</summary>
    public long EventSeq { get; set; }

    public long CallOrder { get; set; }

    public string? TargetCounter { get; set; }
}
