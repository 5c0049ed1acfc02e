using Edge.Wire;

namespace Edge.Fleet.Queue;

/// <summary>
/// The centres' waiting lists and the calls made from them: tickets (entered from ingested <c>ticket.issued</c>
/// events, completed by the counters' events and by ratings naming a ticket), each device's last call request and
/// its answer, and the order in which tickets were handed out. <see cref="LiteQueueStore"/> keeps them in this node's
/// <c>queue.db</c>; <see cref="PostgresQueueStore"/> in PostgreSQL, shared by every node of the fleet.
/// </summary>
public interface IQueueStore
{
    /// <summary>
    /// Applies the queue events of one device's batch (ticket.* and ratings that name a ticket) in one durable commit;
    /// returns how many of them changed the queue. Applying the same events again (a redelivery, or another node
    /// applying them at the same time) changes nothing. <paramref name="place"/> says when an issued ticket was issued
    /// and which day's list it joins; by default the kiosk's time and day label.
    /// </summary>
    Task<int> ApplyAsync(
        string centre, string deviceId, IReadOnlyList<DeviceEvent> events, Func<DeviceEvent, TicketPlace>? place, CancellationToken cancellationToken);

    /// <summary>
    /// Hands the next waiting ticket of <paramref name="day"/>'s list among <paramref name="request"/>'s fields (all
    /// when empty) to the counter, durably, before answering: priority tickets first under the fairness rule of
    /// <see cref="QueueRules.Default"/>, then issue time, then number (<see cref="NextTicketChooser"/>). Each ticket is
    /// handed out once, however many counters (and nodes) ask at the same instant; the same request id from the same
    /// device (a resend) gets the same answer. <paramref name="now"/> is the fleet's time of the hand-out.
    /// </summary>
    Task<CallReply> CallNextAsync(
        string centre, string deviceId, CallRequest request, string day, DateTimeOffset now, CancellationToken cancellationToken) =>
        ActAsync(centre, deviceId, request, day, now, QueueRules.Default, cancellationToken);

    /// <summary>
    /// What a counter asks that changes the list, one at a time per centre and durably before the answer, a resend
    /// answered as the first copy was: <see cref="CallActions.Next"/> (as <see cref="CallNextAsync"/>, with
    /// <paramref name="rules"/>), <see cref="CallActions.Transfer"/> (the ticket this counter serves goes back to the
    /// list of <see cref="CallRequest.ToField"/> or to <see cref="CallRequest.ToCounter"/>, keeping its number and
    /// its issue time, so it takes its place by issue time) and <see cref="CallActions.Recall"/> (a ticket skipped
    /// within <see cref="QueueRules.RecallWindow"/> is called again at this counter). The desk has checked the
    /// request against the registry; the store refuses what only the list can tell (an unknown ticket, a ticket in
    /// the wrong state, a window passed) and then changes nothing.
    /// </summary>
    Task<CallReply> ActAsync(
        string centre, string deviceId, CallRequest request, string day, DateTimeOffset now, QueueRules rules, CancellationToken cancellationToken);

    /// <summary>Every ticket of a centre's list of a day, in issue order.</summary>
    Task<IReadOnlyList<QueueTicket>> TicketsAsync(string centre, string day, CancellationToken cancellationToken);

    /// <summary>Every ticket of a centre's lists from <paramref name="fromDay"/> to <paramref name="toDay"/> (inclusive), by list day then issue order.</summary>
    Task<IReadOnlyList<QueueTicket>> TicketsBetweenAsync(string centre, string fromDay, string toDay, CancellationToken cancellationToken);
}

/// <summary>Which events the queue takes, the same on every engine.</summary>
internal static class QueueEvents
{
    /// <summary>
    /// Longest ticket number or day label kept: both are part of a ticket's key, and an index key that is too long
    /// would fail the whole commit (LiteDB refuses keys of 1023 bytes or more), so one hostile event is ignored instead.
    /// </summary>
    public const int MaxKeyLength = 64;

    public static List<DeviceEvent> Relevant(IEnumerable<DeviceEvent> events) =>
        events.Where(e => e.Ticket is { Length: > 0 and <= MaxKeyLength }
                          && e.Detail is { Length: > 0 and <= MaxKeyLength }
                          && (e.Kind.StartsWith("ticket.", StringComparison.Ordinal) || IsCountedRating(e)))
            .ToList();

    /// <summary>
    /// Where a ticket.transferred sends the ticket (<c>to</c>: <c>counter:N</c> or <c>field:NAME</c>); null when it says
    /// neither (or too long a name). Applied only from the ticket's kiosk: a transfer made during an outage.
    /// </summary>
    public static (string? Counter, string? Field)? TargetOf(string? to)
    {
        const string ToCounter = "counter:", ToField = "field:";
        var name = to?.StartsWith(ToCounter, StringComparison.Ordinal) == true ? to[ToCounter.Length..]
            : to?.StartsWith(ToField, StringComparison.Ordinal) == true ? to[ToField.Length..] : "";
        return name.Length is 0 or > MaxKeyLength ? null
            : to!.StartsWith(ToCounter, StringComparison.Ordinal) ? (name, null) : (null, name);
    }

    /// <summary>A rating counts for its ticket unless it was flagged as misuse.</summary>
    public static bool IsCountedRating(DeviceEvent e) => e.Kind == EventKinds.Rating && e.Suspect != true && e.Level is not null;

    /// <summary>Times as LiteDB keeps them (milliseconds), so both engines order and compare the same values.</summary>
    public static DateTime ToMilliseconds(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
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
