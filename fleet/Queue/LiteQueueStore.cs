using Edge.Storage;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Queue;

/// <summary>
/// <see cref="IQueueStore"/> on this node's LiteDB file (queue.db), the embedded default. Every change is one durable
/// commit (<see cref="LiteFile.CommitDurably{T}"/>), made under one lock: the lock is what serialises call-next, so two
/// counters pressing at the same instant are answered one after the other and never get the same ticket, and a ticket
/// handed out is on disk before the counter hears of it. The work is synchronous (LiteDB transactions are bound to
/// the thread); the tasks returned are already complete.
/// </summary>
public sealed class LiteQueueStore : IQueueStore, IDisposable
{
    /// <summary>The file in <c>Fleet:DataDir</c>.</summary>
    public const string FileName = "queue.db";

    private const string TicketsCollection = "tickets";
    private const string LastCallsCollection = "lastCalls";

    private readonly Lock _gate = new();
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<QueueTicket> _tickets;
    private readonly ILiteCollection<LastCall> _lastCalls;
    private long _lastCallOrder;

    public LiteQueueStore(string path)
    {
        _db = LiteFile.Open(path, TicketsCollection, LastCallsCollection);
        _tickets = _db.GetCollection<QueueTicket>(TicketsCollection);
        _tickets.EnsureIndex(t => t.CentreDay);
        _tickets.EnsureIndex(t => t.Centre);
        _lastCalls = _db.GetCollection<LastCall>(LastCallsCollection);
        _tickets.EnsureIndex(t => t.CallOrder);
        _lastCallOrder = _tickets.Count() == 0 ? 0 : _tickets.Max(t => t.CallOrder);
    }

    public Task<int> ApplyAsync(
        string centre, string deviceId, IReadOnlyList<DeviceEvent> events, Func<DeviceEvent, TicketPlace>? place, CancellationToken cancellationToken)
    {
        place ??= TicketPlace.AsLabelled;
        var relevant = QueueEvents.Relevant(events);
        if (relevant.Count == 0)
        {
            return Task.FromResult(0);
        }

        lock (_gate)
        {
            return Task.FromResult(LiteFile.CommitDurably(_db, () => relevant.Count(e => ApplyOne(centre, deviceId, e, place))));
        }
    }

    public Task<CallReply> ActAsync(
        string centre, string deviceId, CallRequest request, string day, DateTimeOffset now, QueueRules rules, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_lastCalls.FindById(deviceId) is { } last && last.RequestId == request.RequestId)
            {
                return Task.FromResult(new CallReply(last.RequestId, last.Ticket, last.Field, last.Day, last.Waiting));
            }

            var at = QueueEvents.ToMilliseconds(now);
            return Task.FromResult(LiteFile.CommitDurably(_db, () =>
            {
                var reply = request.Action switch
                {
                    CallActions.Transfer => Transfer(centre, request, day),
                    CallActions.Recall => Recall(centre, request, day, at, rules),
                    _ => HandOut(centre, request, day, at, rules),
                };
                if (reply.Reason is null)
                {
                    _lastCalls.Upsert(new LastCall
                    {
                        Id = deviceId, RequestId = request.RequestId, Ticket = reply.Ticket, Field = reply.Field, Day = reply.Day, Waiting = reply.Waiting,
                    });
                }

                return reply;
            }));
        }
    }

    public Task<IReadOnlyList<QueueTicket>> TicketsAsync(string centre, string day, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<QueueTicket>>(InIssueOrder(DayList(centre, day)).ToList());
        }
    }

    public Task<IReadOnlyList<QueueTicket>> TicketsBetweenAsync(string centre, string fromDay, string toDay, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // By the centre's index, then the days compared ordinally here (LiteDB compares strings by culture).
            var found = _tickets.Find(t => t.Centre == centre)
                .Where(t => string.CompareOrdinal(t.ListDay, fromDay) >= 0 && string.CompareOrdinal(t.ListDay, toDay) <= 0);
            return Task.FromResult<IReadOnlyList<QueueTicket>>(
                found.OrderBy(t => t.CentreDay, StringComparer.Ordinal).ThenBy(t => t.IssuedAt).ThenBy(t => t.Number, StringComparer.Ordinal).ToList());
        }
    }

    /// <summary>Every ticket of the file, for the copier to PostgreSQL.</summary>
    internal IReadOnlyList<QueueTicket> AllTickets()
    {
        lock (_gate)
        {
            return _tickets.FindAll().ToList();
        }
    }

    /// <summary>Every device's last call, for the copier to PostgreSQL.</summary>
    internal IReadOnlyList<LastCall> AllLastCalls()
    {
        lock (_gate)
        {
            return _lastCalls.FindAll().ToList();
        }
    }

    public void Dispose() => _db.Dispose();

    private List<QueueTicket> DayList(string centre, string day)
    {
        var key = QueueTicket.KeyOf(centre, day);
        return _tickets.Find(t => t.CentreDay == key).ToList();
    }

    private CallReply HandOut(string centre, CallRequest request, string day, DateTime at, QueueRules rules)
    {
        var (next, left) = NextTicketChooser.Choose(DayList(centre, day), request.Counter, request.Fields, request.Field, at, rules);
        if (next is not null)
        {
            next.State = TicketStates.Called;
            next.Counter = request.Counter;
            next.TargetCounter = null;
            next.AssignedAt = at;
            next.CallOrder = ++_lastCallOrder;
            _tickets.Update(next);
        }

        return new CallReply(request.RequestId, next?.Number, next?.Field, next?.Day, left);
    }

    private CallReply Transfer(string centre, CallRequest request, string day)
    {
        var ticket = _tickets.FindById(QueueTicket.IdOf(centre, request.Day ?? day, request.Ticket ?? ""));
        if (QueueRefusal.OfTransfer(request, ticket) is { } refused)
        {
            return refused;
        }

        ticket!.State = TicketStates.Waiting;
        ticket.TransferFrom(ticket.Counter, request.ToCounter, request.ToField);
        _tickets.Update(ticket);
        return new CallReply(request.RequestId, ticket.Number, ticket.Field, ticket.Day, 0);
    }

    private CallReply Recall(string centre, CallRequest request, string day, DateTime at, QueueRules rules)
    {
        var ticket = _tickets.FindById(QueueTicket.IdOf(centre, request.Day ?? day, request.Ticket ?? ""));
        if (QueueRefusal.OfRecall(request, ticket, at, rules) is { } refused)
        {
            return refused;
        }

        ticket!.State = TicketStates.Called;
        ticket.Counter = request.Counter;
        ticket.AssignedAt = at;
        ticket.ReturnedAt = at;
        ticket.SkippedAt = null;
        ticket.CallOrder = ++_lastCallOrder;
        _tickets.Update(ticket);
        return new CallReply(request.RequestId, ticket.Number, ticket.Field, ticket.Day, 0);
    }

    /// <summary>
    /// Issue time (the kiosk's clock, or the fleet's placement when it was not synchronised), then number: one kiosk's
    /// tickets keep their printed order.
    /// </summary>
    private static IEnumerable<QueueTicket> InIssueOrder(IEnumerable<QueueTicket> tickets) =>
        tickets.OrderBy(t => t.IssuedAt).ThenBy(t => t.Number, StringComparer.Ordinal);

    /// <summary>Applies one event; true when it changed the ticket (the same rules as the SQL of <see cref="PostgresQueueStore"/>).</summary>
    private bool ApplyOne(string centre, string deviceId, DeviceEvent e, Func<DeviceEvent, TicketPlace> place)
    {
        var id = QueueTicket.IdOf(centre, e.Detail!, e.Ticket!);
        var ticket = _tickets.FindById(id);
        if (e.Kind == EventKinds.TicketIssued)
        {
            if (ticket is not null)
            {
                return false;
            }

            var issued = place(e);
            _tickets.Insert(new QueueTicket
            {
                Id = id, CentreDay = QueueTicket.KeyOf(centre, issued.ListDay), Centre = centre, Day = e.Detail!, Number = e.Ticket!,
                Field = e.Field ?? "", Kiosk = deviceId, IssuedAt = QueueEvents.ToMilliseconds(issued.IssuedAt), Priority = e.Priority == true,
            });
            return true;
        }

        if (ticket is null || (e.Kind != EventKinds.Rating && ticket.IsFromFormerCounter(e.Counter)))
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
            _tickets.Update(ticket);
        }

        return changed;
    }
}
