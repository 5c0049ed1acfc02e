namespace Edge.Queue;

/// <summary>
/// What <see cref="NextTicketChooser"/> needs of a ticket: the fleet's list (QueueTicket) and a kiosk's own list
/// during an outage (device/Host/Queue/KioskTicketStore) both implement it, so both call in the same order.
/// </summary>
public interface IQueuedTicket
{
    string Number { get; }

    string Field { get; }

    /// <summary>One of <see cref="TicketStates"/>.</summary>
    string State { get; }

    DateTime IssuedAt { get; }

    bool Priority { get; }

    /// <summary>Set by a transfer to a counter: only that counter calls the ticket.</summary>
    string? TargetCounter { get; }

    /// <summary>Order in which tickets were handed out (1, 2, ...); 0 while waiting.</summary>
    long CallOrder { get; }
}

public static class TicketStates
{
    public const string Waiting = "waiting";
    public const string Called = "called";
    public const string Served = "served";
    public const string Skipped = "skipped";
}
