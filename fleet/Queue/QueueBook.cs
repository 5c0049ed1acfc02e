using Edge.Storage;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Queue;

/// <summary>
/// The centres' waiting lists and call ledger on a LiteDB file (queue.db). Every change is one durable commit, made
/// under one lock: the lock is what serialises call-next, so two counters pressing at the same instant are answered
/// one after the other and never get the same ticket, and a ticket handed out is on disk before the counter hears of
/// it. Tickets enter from ingested ticket.issued events; the counters' events (called, recalled, skipped, served) and
/// ratings tied to a ticket complete them. Applying an event twice (redelivery) changes nothing.
/// </summary>
public sealed class QueueBook : IDisposable
{
    private const string TicketsCollection = "tickets";
    private const string LastCallsCollection = "lastCalls";

    private readonly Lock _gate = new();
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<QueueTicket> _tickets;
    private readonly ILiteCollection<LastCall> _lastCalls;
    private long _lastCallOrder;

    public QueueBook(string path)
    {
        _db = LiteFile.Open(path, TicketsCollection, LastCallsCollection);
        _tickets = _db.GetCollection<QueueTicket>(TicketsCollection);
        _tickets.EnsureIndex(t => t.CentreDay);
        _lastCalls = _db.GetCollection<LastCall>(LastCallsCollection);
        _tickets.EnsureIndex(t => t.CallOrder);
        _lastCallOrder = _tickets.Count() == 0 ? 0 : _tickets.Max(t => t.CallOrder);
    }

    /// <summary>
    /// Applies the queue events of one device's batch (ticket.* and ratings that name a ticket). <paramref name="place"/>
    /// says when an issued ticket was issued and which day's list it joins; by default the kiosk's time and day label.
    /// </summary>
    public int Apply(string centre, string deviceId, IEnumerable<DeviceEvent> events, Func<DeviceEvent, TicketPlace>? place = null)
    {
        place ??= TicketPlace.AsLabelled;
        var relevant = events.Where(e => e.Ticket is not null && e.Detail is not null && (e.Kind.StartsWith("ticket.", StringComparison.Ordinal) || e.Kind == EventKinds.Rating)).ToList();
        if (relevant.Count == 0)
        {
            return 0;
        }

        lock (_gate)
        {
            return LiteFile.CommitDurably(_db, () => relevant.Count(e => ApplyOne(centre, deviceId, e, place)));
        }
    }

    /// <summary>
    /// Hands the oldest waiting ticket of <paramref name="day"/> among <paramref name="fields"/> (all when empty) to a
    /// counter. The same request id (a resend) gets the same answer.
    /// </summary>
    public CallReply CallNext(string centre, string deviceId, CallRequest request, string day, TimeProvider clock)
    {
        lock (_gate)
        {
            if (_lastCalls.FindById(deviceId) is { } last && last.RequestId == request.RequestId)
            {
                return new CallReply(last.RequestId, last.Ticket, last.Field, last.Day, last.Waiting);
            }

            return LiteFile.CommitDurably(_db, () =>
            {
                var waiting = Waiting(centre, day, request.Fields);
                var next = waiting.FirstOrDefault();
                if (next is not null)
                {
                    next.State = TicketStates.Called;
                    next.Counter = request.Counter;
                    next.AssignedAt = clock.GetUtcNow().UtcDateTime;
                    next.CallOrder = ++_lastCallOrder;
                    _tickets.Update(next);
                }

                var reply = new CallReply(request.RequestId, next?.Number, next?.Field, next?.Day, Math.Max(0, waiting.Count - 1));
                _lastCalls.Upsert(new LastCall
                {
                    Id = deviceId, RequestId = request.RequestId, Ticket = reply.Ticket, Field = reply.Field, Day = reply.Day, Waiting = reply.Waiting,
                });
                return reply;
            });
        }
    }

    /// <summary>Every ticket of a centre's queue day, in issue order.</summary>
    public IReadOnlyList<QueueTicket> Tickets(string centre, string day)
    {
        lock (_gate)
        {
            var key = QueueTicket.KeyOf(centre, day);
            return InIssueOrder(_tickets.Find(t => t.CentreDay == key)).ToList();
        }
    }

    /// <summary>Centres that have tickets on a day.</summary>
    public IReadOnlyList<string> Centres(string day)
    {
        lock (_gate)
        {
            return _tickets.Find(t => t.Day == day).Select(t => t.Centre).Distinct().Order(StringComparer.Ordinal).ToList();
        }
    }

    public void Dispose() => _db.Dispose();

    private List<QueueTicket> Waiting(string centre, string day, IReadOnlyList<string> fields)
    {
        var key = QueueTicket.KeyOf(centre, day);
        return InIssueOrder(_tickets.Find(t => t.CentreDay == key)
            .Where(t => t.State == TicketStates.Waiting && (fields.Count == 0 || fields.Contains(t.Field)))).ToList();
    }

    /// <summary>
    /// Issue time (the kiosk's clock, or the fleet's placement when it was not synchronised), then number: one kiosk's
    /// tickets keep their printed order.
    /// </summary>
    private static IEnumerable<QueueTicket> InIssueOrder(IEnumerable<QueueTicket> tickets) =>
        tickets.OrderBy(t => t.IssuedAt).ThenBy(t => t.Number, StringComparer.Ordinal);

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
                Field = e.Field ?? "", Kiosk = deviceId, IssuedAt = issued.IssuedAt.UtcDateTime,
            });
            return true;
        }

        if (ticket is null)
        {
            return false;
        }

        var at = e.At.UtcDateTime;
        switch (e.Kind)
        {
            case EventKinds.TicketCalled:
                ticket.CalledAt ??= at;
                ticket.Counter ??= e.Counter;
                if (ticket.State == TicketStates.Waiting)
                {
                    ticket.State = TicketStates.Called;
                }

                break;
            case EventKinds.TicketRecalled when !ticket.RecalledAt.Contains(at):
                ticket.RecalledAt.Add(at);
                break;
            case EventKinds.TicketServed:
                ticket.ServedAt ??= at;
                ticket.State = TicketStates.Served;
                break;
            case EventKinds.TicketSkipped:
                ticket.SkippedAt ??= at;
                ticket.State = TicketStates.Skipped;
                break;
            case EventKinds.Rating when e.Suspect != true && e.Level is not null:
                ticket.RatingLevel = e.Level;
                ticket.RatingScale = e.Scale;
                break;
            default:
                return false;
        }

        _tickets.Update(ticket);
        return true;
    }
}

/// <summary>
/// When a ticket was issued and the day whose waiting list it joins. The ticket keeps the day printed on it (its
/// identity, used by every later event); only a kiosk whose clock was not synchronised gets both from the fleet.
/// </summary>
public readonly record struct TicketPlace(DateTimeOffset IssuedAt, string ListDay)
{
    public static TicketPlace AsLabelled(DeviceEvent issued) => new(issued.At, issued.Detail!);
}
