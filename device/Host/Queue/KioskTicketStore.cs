using Edge.Queue;
using Edge.Storage;
using Edge.Wire;
using LiteDB;

namespace Edge.Device.Queue;

/// <summary>
/// A kiosk's own record of its tickets and who has each (<c>{DataDir}/kiosk-ledger.db</c>): entered as each ticket is
/// issued, completed by the counters' confirmations of the fleet's hand-outs (<see cref="Claim"/>) and by its own
/// hand-outs during an outage (<see cref="Take"/>), and by transfers (<see cref="Transfer"/>: the ticket waits again, for
/// another counter or field, keeping its number and issue time). Every change is one durable commit (checkpointed) before the kiosk
/// answers, so a kiosk killed right after handing a ticket out never hands it out again. This is what makes the kiosk
/// its tickets' authority while the fleet is away (fleet/Queue/README.md, "When the centre loses its link").
/// </summary>
public sealed class KioskTicketStore : IDisposable
{
    private const string TicketsCollection = "tickets";

    private readonly Lock _gate = new();
    private readonly Lazy<LiteDatabase> _db;
    private long _lastCallOrder = -1;

    /// <summary>The file is opened on first use: only a kiosk has one.</summary>
    public KioskTicketStore(string path) => _db = new Lazy<LiteDatabase>(() => LiteFile.Open(path, TicketsCollection));

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
            return waiting.Concat(handed).DistinctBy(t => t.Id) // a transferred ticket waits again and was handed out before
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

    /// <summary>
    /// Moves the ticket <paramref name="request"/>'s counter serves back to waiting, for <see cref="LanTransferRequest.ToCounter"/>
    /// only or in <see cref="LanTransferRequest.ToField"/>'s list, durably; the same request again is answered as before.
    /// A transfer made during an outage (<paramref name="locally"/>) needs the counter to hold the ticket here; the kiosk
    /// then writes its ticket.transferred (<see cref="TransferResult.NeedsEvent"/>, then <see cref="TransferWritten"/>).
    /// One the fleet made (a counter's notice) is noted when the ticket is this counter's or still waiting here (a
    /// confirmation that never arrived), and ignored when another counter has it since (the notice came late).
    /// </summary>
    public TransferResult Transfer(LanTransferRequest request, bool locally)
    {
        lock (_gate)
        {
            var ticket = Tickets.FindById(IdOf(request.Day, request.Number));
            if (ticket is null)
            {
                return new TransferResult(LanOutcomes.Unknown, null, false);
            }

            if (ticket.TransferRequestId == request.RequestId)
            {
                return new TransferResult(LanOutcomes.Transferred, ticket, locally && ticket.TransferPending);
            }

            var held = ticket.State == TicketStates.Called && ticket.Counter == request.Counter;
            if (!held && (locally || ticket.State != TicketStates.Waiting))
            {
                return new TransferResult(LanOutcomes.Taken, ticket, false);
            }

            ticket.State = TicketStates.Waiting;
            ticket.TransferredFrom = request.Counter;
            ticket.Counter = null;
            ticket.TargetCounter = request.ToCounter;
            ticket.Field = request.ToField ?? ticket.Field;
            ticket.Transfers++;
            ticket.TransferRequestId = request.RequestId;
            ticket.TransferTo = request.ToCounter is { } to ? $"counter:{to}" : $"field:{request.ToField}";
            ticket.TransferPending = locally;
            LiteFile.CommitDurably(_db.Value, () => Tickets.Update(ticket));
            return new TransferResult(LanOutcomes.Transferred, ticket, locally);
        }
    }

    /// <summary>The ticket.transferred event of a local transfer is in the outbox at <paramref name="seq"/>.</summary>
    public void TransferWritten(string day, string number, long seq)
    {
        lock (_gate)
        {
            if (Tickets.FindById(IdOf(day, number)) is { TransferPending: true } ticket)
            {
                ticket.TransferPending = false;
                ticket.TransferSeq = seq;
                LiteFile.CommitDurably(_db.Value, () => Tickets.Update(ticket));
            }
        }
    }

    /// <summary>Local transfers whose event is not in the outbox (the kiosk died between the two): written again at start.</summary>
    public IReadOnlyList<LedgerTicket> TransfersWithoutEvent()
    {
        lock (_gate)
        {
            return Tickets.Find(t => t.TransferPending).ToList();
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

    /// <summary>The outbox seq of the latest local hand-out or transfer (0: none): until the fleet acknowledges it, the kiosk keeps its authority.</summary>
    public long LastLocalSeq()
    {
        lock (_gate)
        {
            return Tickets.Find(t => t.HandedLocally || t.TransferSeq > 0)
                .Select(t => Math.Max(t.HandedLocally ? t.EventSeq : 0, t.TransferSeq)).DefaultIfEmpty(0).Max();
        }
    }

    /// <summary>Local hand-outs whose event is not in the outbox (the kiosk died between the two): written again at start.</summary>
    public IReadOnlyList<LedgerTicket> WithoutEvent()
    {
        lock (_gate)
        {
            return Tickets.Find(t => t.HandedLocally && t.EventSeq == 0 && t.State != TicketStates.Waiting).ToList();
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

            // A claim of the fleet's hand-out of a ticket another counter had from the fleet: the fleet handed it out again
            // (after a transfer this kiosk did not hear of), and only the fleet hands out what the kiosk did not.
            var fleetAgain = !locally && !ticket.HandedLocally && ticket.State == TicketStates.Called && ticket.Counter != request.Counter;
            if (locally && ticket.State == TicketStates.Waiting && ticket.TargetCounter is { } target && target != request.Counter)
            {
                // Transferred to another counter: only that one calls it.
                return new TakeResult(LanOutcomes.Taken, target, ticket, false);
            }

            if (ticket.State != TicketStates.Waiting && !fleetAgain)
            {
                // The same request again is answered as before. A claim of the fleet's hand-out is the counter's only
                // if the kiosk did not hand that ticket out itself: a counter whose fleet answer came late (after it
                // had called the same ticket through this kiosk) must not call it a second time.
                var mine = ticket.Counter == request.Counter && (ticket.RequestId == request.RequestId || (!locally && !ticket.HandedLocally));
                return new TakeResult(mine ? LanOutcomes.Yours : LanOutcomes.Taken, ticket.Counter, ticket, mine && ticket.HandedLocally && ticket.EventSeq == 0);
            }

            ticket.State = TicketStates.Called;
            ticket.EventSeq = 0;
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

/// <summary>The answer to a transfer; <see cref="NeedsEvent"/>: a local transfer whose ticket.transferred is not yet in the outbox.</summary>
public sealed record TransferResult(string Outcome, LedgerTicket? Ticket, bool NeedsEvent);

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

    /// <summary>Set by a transfer to a counter: only that counter calls the ticket.</summary>
    public string? TargetCounter { get; set; }

    /// <summary>The counter that last transferred the ticket away.</summary>
    public string? TransferredFrom { get; set; }

    public int Transfers { get; set; }

    /// <summary>Where the last transfer sent it: <c>counter:N</c> or <c>field:NAME</c> (the event's <c>to</c>).</summary>
    public string? TransferTo { get; set; }

    /// <summary>Request id of the last transfer: the same request again is answered as before.</summary>
    public string? TransferRequestId { get; set; }

    /// <summary>A local transfer whose ticket.transferred is not in the outbox yet.</summary>
    public bool TransferPending { get; set; }

    /// <summary>Outbox seq of the ticket.transferred of the last local transfer (0: none).</summary>
    public long TransferSeq { get; set; }
}
