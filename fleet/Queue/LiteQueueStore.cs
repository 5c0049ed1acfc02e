using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using Edge.Storage;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Queue;

/// <summary>
/// <see cref="IQueueStore"/> on this node's LiteDB file (queue.db), the embedded default. Every change is one durable
/// commit (<see cref="LiteFile.CommitDurably{T}"/>), made under one lock: the lock is what serialises call-next, so two
/// counters pressing at the same instant are answered one after the other and never get the same ticket, and a ticket
/// handed out is on disk before the counter hears of it. The work is synchronous (LiteDB transactions are bound to
/// the thread); the tasks returned are already complete. The file reopens itself after its engine failed (a full disk,
/// <see cref="ReopeningLiteFile{TView}"/>): meanwhile every call throws <see cref="StoreUnavailableException"/> naming the
/// queue store, so a batch is not acked and a call-next is not answered, and the call order is read again at each opening.
/// </summary>
public sealed class LiteQueueStore : IQueueStore, IDisposable
{
    /// <summary>The file in <c>Fleet:DataDir</c>.</summary>
    public const string FileName = "queue.db";

    private const string TicketsCollection = "tickets";
    private const string LastCallsCollection = "lastCalls";
    private const string ParkedCollection = "parked";

    private readonly ReopeningLiteFile<QueueFile> _file;
    private readonly QueueParkingCounts _parking;

    /// <summary>
    /// The store on <paramref name="path"/> (see <see cref="ReopeningLiteFile{TView}"/> for <paramref name="outages"/> and
    /// <paramref name="opening"/>); what becomes of events of unknown tickets is counted in <paramref name="parking"/>.
    /// </summary>
    public LiteQueueStore(string path, StoreOutages? outages = null, LiteFileOpening? opening = null, QueueParkingCounts? parking = null)
    {
        _file = new ReopeningLiteFile<QueueFile>(Name, path, [TicketsCollection, LastCallsCollection, ParkedCollection], QueueFile.Of, outages, opening);
        _parking = parking ?? new QueueParkingCounts();
    }

    /// <summary>The store's name in 503 answers, <c>/healthz</c> and <c>/metrics</c>.</summary>
    public static string Name => "queue";

    public Task<int> ApplyAsync(
        string centre, string deviceId, IReadOnlyList<DeviceEvent> events, Func<DeviceEvent, TicketPlace>? place, CancellationToken cancellationToken)
    {
        place ??= TicketPlace.AsLabelled;
        var relevant = QueueEvents.Relevant(events);
        if (relevant.Count == 0)
        {
            return Task.FromResult(0);
        }

        var tally = new ParkingTally();
        var changed = _file.Write(queue => relevant.Count(e => ApplyOne(queue, centre, deviceId, e, place, tally)));
        _parking.Add(tally);
        return Task.FromResult(changed);
    }

    public Task<CallReply> ActAsync(
        string centre, string deviceId, CallRequest request, string day, DateTimeOffset now, QueueRules rules, CancellationToken cancellationToken)
    {
        var at = QueueEvents.ToMilliseconds(now);
        return Task.FromResult(_file.Locked((db, queue) =>
        {
            if (queue.LastCalls.FindById(deviceId) is { } last && last.RequestId == request.RequestId)
            {
                return new CallReply(last.RequestId, last.Ticket, last.Field, last.Day, last.Waiting);
            }

            return LiteFile.CommitDurably(db, () =>
            {
                var reply = request.Action switch
                {
                    CallActions.Transfer => Transfer(queue, centre, request, day),
                    CallActions.Recall => Recall(queue, centre, request, day, at, rules),
                    _ => HandOut(queue, centre, request, day, at, rules),
                };
                if (reply.Reason is null)
                {
                    queue.LastCalls.Upsert(new LastCall
                    {
                        Id = deviceId, RequestId = request.RequestId, Ticket = reply.Ticket, Field = reply.Field, Day = reply.Day, Waiting = reply.Waiting,
                    });
                }

                return reply;
            });
        }));
    }

    public Task<IReadOnlyList<QueueTicket>> TicketsAsync(string centre, string day, CancellationToken cancellationToken)
    {
        return Task.FromResult<IReadOnlyList<QueueTicket>>(_file.Locked((_, queue) => InIssueOrder(DayList(queue, centre, day)).ToList()));
    }

    public Task<IReadOnlyList<QueueTicket>> TicketsBetweenAsync(string centre, string fromDay, string toDay, CancellationToken cancellationToken)
    {
        // By the centre's index, then the days compared ordinally here (LiteDB compares strings by culture).
        return Task.FromResult<IReadOnlyList<QueueTicket>>(_file.Locked((_, queue) => queue.Tickets.Find(t => t.Centre == centre)
            .Where(t => string.CompareOrdinal(t.ListDay, fromDay) >= 0 && string.CompareOrdinal(t.ListDay, toDay) <= 0)
            .OrderBy(t => t.CentreDay, StringComparer.Ordinal).ThenBy(t => t.IssuedAt).ThenBy(t => t.Number, StringComparer.Ordinal).ToList()));
    }

    /// <summary>Every ticket of the file, for the copier to PostgreSQL.</summary>
    internal IReadOnlyList<QueueTicket> AllTickets() => _file.Locked((_, queue) => queue.Tickets.FindAll().ToList());

    /// <summary>Every device's last call, for the copier to PostgreSQL.</summary>
    internal IReadOnlyList<LastCall> AllLastCalls() => _file.Locked((_, queue) => queue.LastCalls.FindAll().ToList());

    /// <summary>Every event waiting for its ticket, for the copier to PostgreSQL.</summary>
    internal IReadOnlyList<ParkedQueueEvent> AllParked() => _file.Locked((_, queue) => queue.Parked.FindAll().ToList());

    public void Dispose() => _file.Dispose();

    private static List<QueueTicket> DayList(QueueFile queue, string centre, string day)
    {
        var key = QueueTicket.KeyOf(centre, day);
        return queue.Tickets.Find(t => t.CentreDay == key).ToList();
    }

    private static CallReply HandOut(QueueFile queue, string centre, CallRequest request, string day, DateTime at, QueueRules rules)
    {
        var (next, left) = NextTicketChooser.Choose(DayList(queue, centre, day), request.Counter, request.Fields, request.Field, at, rules);
        if (next is not null)
        {
            next.State = TicketStates.Called;
            next.Counter = request.Counter;
            next.TargetCounter = null;
            next.AssignedAt = at;
            next.CallOrder = ++queue.LastCallOrder;
            queue.Tickets.Update(next);
        }

        return new CallReply(request.RequestId, next?.Number, next?.Field, next?.Day, left);
    }

    private static CallReply Transfer(QueueFile queue, string centre, CallRequest request, string day)
    {
        var ticket = queue.Tickets.FindById(QueueTicket.IdOf(centre, request.Day ?? day, request.Ticket ?? ""));
        if (QueueRefusal.OfTransfer(request, ticket) is { } refused)
        {
            return refused;
        }

        ticket!.State = TicketStates.Waiting;
        ticket.TransferFrom(ticket.Counter, request.ToCounter, request.ToField);
        queue.Tickets.Update(ticket);
        return new CallReply(request.RequestId, ticket.Number, ticket.Field, ticket.Day, 0);
    }

    private static CallReply Recall(QueueFile queue, string centre, CallRequest request, string day, DateTime at, QueueRules rules)
    {
        var ticket = queue.Tickets.FindById(QueueTicket.IdOf(centre, request.Day ?? day, request.Ticket ?? ""));
        if (QueueRefusal.OfRecall(request, ticket, at, rules) is { } refused)
        {
            return refused;
        }

        ticket!.State = TicketStates.Called;
        ticket.Counter = request.Counter;
        ticket.AssignedAt = at;
        ticket.ReturnedAt = at;
        ticket.SkippedAt = null;
        ticket.CallOrder = ++queue.LastCallOrder;
        queue.Tickets.Update(ticket);
        return new CallReply(request.RequestId, ticket.Number, ticket.Field, ticket.Day, 0);
    }

    /// <summary>
    /// Issue time (the kiosk's clock, or the fleet's placement when it was not synchronised), then number: one kiosk's
    /// tickets keep their printed order.
    /// </summary>
    private static IEnumerable<QueueTicket> InIssueOrder(IEnumerable<QueueTicket> tickets) =>
        tickets.OrderBy(t => t.IssuedAt).ThenBy(t => t.Number, StringComparer.Ordinal);

    /// <summary>
    /// Applies one event; true when it changed the ticket (the same rules as the SQL of <see cref="PostgresQueueStore"/>).
    /// An event of a ticket not issued yet is parked (<see cref="ParkedQueueEvent"/>); a ticket.issued applies the events
    /// parked for its ticket right after it, in the same commit.
    /// </summary>
    private static bool ApplyOne(QueueFile queue, string centre, string deviceId, DeviceEvent e, Func<DeviceEvent, TicketPlace> place, ParkingTally tally)
    {
        var id = QueueTicket.IdOf(centre, e.Detail!, e.Ticket!);
        var ticket = queue.Tickets.FindById(id);
        if (e.Kind == EventKinds.TicketIssued)
        {
            if (ticket is not null)
            {
                return false;
            }

            var issued = place(e);
            queue.Tickets.Insert(new QueueTicket
            {
                Id = id, CentreDay = QueueTicket.KeyOf(centre, issued.ListDay), Centre = centre, Day = e.Detail!, Number = e.Ticket!,
                Field = e.Field ?? "", Kiosk = deviceId, IssuedAt = QueueEvents.ToMilliseconds(issued.IssuedAt), Priority = e.Priority == true,
            });
            ApplyParked(queue, centre, id, place, tally);
            return true;
        }

        if (ticket is null)
        {
            if (QueueParking.CanWait(e))
            {
                Park(queue, centre, deviceId, id, e, tally);
            }

            return false;
        }

        if (e.Kind != EventKinds.Rating && ticket.IsFromFormerCounter(e.Counter))
        {
            return false;
        }

        var at = QueueEvents.ToMilliseconds(e.At);
        bool changed;
        switch (e.Kind)
        {
            case EventKinds.TicketCalled when deviceId == ticket.Kiosk && e.Counter is not null:
                // The kiosk handed it out during an outage (README, "When the centre loses its link"): its word on who
                // called the ticket wins over a hand-out by the fleet whose counter the kiosk refused.
                changed = ticket.Counter != e.Counter || ticket.CalledAt is null || ticket.State == TicketStates.Waiting;
                if (changed)
                {
                    ticket.Counter = e.Counter;
                    ticket.CalledAt = ticket.Transfers > 0 && ticket.CalledAt is { } first ? first : at; // waiting time is to the first call
                    ticket.State = ticket.State == TicketStates.Waiting ? TicketStates.Called : ticket.State;
                }

                break;
            case EventKinds.TicketTransferred when deviceId == ticket.Kiosk && e.Counter is not null:
                // A transfer during an outage, recorded by the ticket's kiosk (README, "Transfer during an outage"), made
                // as the fleet makes one while the ticket is still the transferring counter's. A later holder's served or
                // skipped that arrived first (another device's outbox) keeps its state.
                if (ticket.Counter != e.Counter || ticket.State == TicketStates.Waiting || QueueEvents.TargetOf(e.To) is not { } target)
                {
                    return false;
                }

                ticket.State = ticket.State == TicketStates.Called ? TicketStates.Waiting : ticket.State;
                ticket.TransferFrom(e.Counter, target.Counter, target.Field);
                changed = true;
                break;
            case EventKinds.TicketCalled:
                changed = ticket.CalledAt is null || (ticket.Counter is null && e.Counter is not null) || ticket.State == TicketStates.Waiting;
                ticket.CalledAt ??= at;
                ticket.Counter ??= e.Counter;
                if (ticket.State == TicketStates.Waiting)
                {
                    ticket.State = TicketStates.Called;
                }

                break;
            case EventKinds.TicketRecalled:
                changed = !ticket.RecalledAt.Contains(at);
                if (changed)
                {
                    ticket.RecalledAt.Add(at);
                    if (ticket.SkippedAt is { } skipped && at >= skipped)
                    {
                        // A recall after the skip: the citizen came back. The fleet's own recall cleared the skip already;
                        // a counter's recall during an outage (README, "When the centre loses its link") arrives only as this event.
                        ticket.ReturnedAt = ticket.ReturnedAt is { } returned && returned > at ? returned : at;
                        ticket.SkippedAt = null;
                        ticket.State = ticket.State == TicketStates.Skipped ? TicketStates.Called : ticket.State;
                    }
                }

                break;
            case EventKinds.TicketServed:
                changed = ticket.ServedAt is null || ticket.State != TicketStates.Served;
                ticket.ServedAt ??= at;
                ticket.State = TicketStates.Served;
                break;
            case EventKinds.TicketSkipped when ticket.ReturnedAt is { } returned && at <= returned:
                return false;
            case EventKinds.TicketSkipped:
                changed = ticket.SkippedAt is null || ticket.State != TicketStates.Skipped;
                ticket.SkippedAt ??= at;
                ticket.State = TicketStates.Skipped;
                break;
            case EventKinds.Rating:
                changed = ticket.RatingLevel != e.Level || ticket.RatingScale != e.Scale;
                ticket.RatingLevel = e.Level;
                ticket.RatingScale = e.Scale;
                break;
            default:
                return false;
        }

        if (changed)
        {
            queue.Tickets.Update(ticket);
        }

        return changed;
    }

    private static void Park(QueueFile queue, string centre, string deviceId, string ticketId, DeviceEvent e, ParkingTally tally)
    {
        var key = QueueParking.KeyOf(ticketId, deviceId, e);
        if (queue.Parked.FindById(key) is not null)
        {
            return;
        }

        tally.Room ??= QueueParking.MaxPerCentre - queue.Parked.Count(p => p.Centre == centre);
        if (tally.Room <= 0)
        {
            tally.Dropped++;
            return;
        }

        tally.Room--;
        queue.Parked.Insert(new ParkedQueueEvent
        {
            Id = key, TicketId = ticketId, Centre = centre, Day = e.Detail!, Number = e.Ticket!, DeviceId = deviceId, Event = QueueParking.Serialize(e),
        });
        tally.Parked++;
    }

    private static void ApplyParked(QueueFile queue, string centre, string ticketId, Func<DeviceEvent, TicketPlace> place, ParkingTally tally)
    {
        var parked = queue.Parked.Find(p => p.TicketId == ticketId).ToList();
        if (parked.Count == 0)
        {
            return;
        }

        queue.Parked.DeleteMany(p => p.TicketId == ticketId);
        foreach (var (deviceId, e) in QueueParking.InApplyOrder(parked.Select(p => (p.DeviceId, QueueParking.Deserialize(p.Event)))))
        {
            ApplyOne(queue, centre, deviceId, e, place, tally);
            tally.Applied++;
        }
    }

    /// <summary>
    /// The file's collections and the highest call order handed out, made again at every opening (a hand-out whose commit
    /// failed may have counted one up: the next opening reads what is on disk).
    /// </summary>
    private sealed class QueueFile(ILiteCollection<QueueTicket> tickets, ILiteCollection<LastCall> lastCalls, ILiteCollection<ParkedQueueEvent> parked, long lastCallOrder)
    {
        public ILiteCollection<QueueTicket> Tickets { get; } = tickets;

        public ILiteCollection<LastCall> LastCalls { get; } = lastCalls;

        public ILiteCollection<ParkedQueueEvent> Parked { get; } = parked;

        /// <summary>Changed under the file's write lock only.</summary>
        public long LastCallOrder { get; set; } = lastCallOrder;

        public static QueueFile Of(LiteDatabase db)
        {
            var tickets = db.GetCollection<QueueTicket>(TicketsCollection);
            tickets.EnsureIndex(t => t.CentreDay);
            tickets.EnsureIndex(t => t.Centre);
            tickets.EnsureIndex(t => t.CallOrder);
            var parked = db.GetCollection<ParkedQueueEvent>(ParkedCollection);
            parked.EnsureIndex(p => p.TicketId);
            parked.EnsureIndex(p => p.Centre);
            return new QueueFile(tickets, db.GetCollection<LastCall>(LastCallsCollection), parked, tickets.Count() == 0 ? 0 : tickets.Max(t => t.CallOrder));
        }
    }
}
