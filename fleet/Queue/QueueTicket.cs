namespace Edge.Fleet.Queue;

/// <summary>
/// One ticket of a centre's queue day as the fleet keeps it (<see cref="IQueueStore"/>). Times come from the devices' events
/// (<see cref="IssuedAt"/> from the kiosk, <see cref="CalledAt"/> and <see cref="ServedAt"/> from the counter);
/// <see cref="AssignedAt"/> is the fleet's own clock when it handed the ticket to a counter.
/// </summary>
public sealed class QueueTicket : IQueuedTicket
{
    /// <summary>"{centre}|{day}|{number}".</summary>
    public string Id { get; set; } = "";

    /// <summary>"{centre}|{day}": the waiting list a ticket belongs to.</summary>
    public string CentreDay { get; set; } = "";

    /// <summary>The day whose waiting list the ticket joined (the printed <see cref="Day"/>, or the fleet's placement).</summary>
    [LiteDB.BsonIgnore]
    public string ListDay => CentreDay[(CentreDay.LastIndexOf('|') + 1)..];

    public string Centre { get; set; } = "";

    public string Day { get; set; } = "";

    public string Number { get; set; } = "";

    public string Field { get; set; } = "";

    public string Kiosk { get; set; } = "";

    public DateTime IssuedAt { get; set; }

    public string State { get; set; } = TicketStates.Waiting;

    public string? Counter { get; set; }

    public DateTime? AssignedAt { get; set; }

    /// <summary>Order in which the fleet handed tickets out (1, 2, ...), across centres; 0 while waiting.</summary>
    public long CallOrder { get; set; }

    public DateTime? CalledAt { get; set; }

    public DateTime? ServedAt { get; set; }

    public DateTime? SkippedAt { get; set; }

    public List<DateTime> RecalledAt { get; set; } = [];

    /// <summary>Level of the (last counted) rating given at the counter while this ticket was served.</summary>
    public int? RatingLevel { get; set; }

    public int? RatingScale { get; set; }

    /// <summary>A priority ticket (the law's: elderly, disabilities, pregnancy, small children): called first in its field.</summary>
    public bool Priority { get; set; }

    /// <summary>Set by a transfer to a counter: only that counter calls the ticket (whatever its fields).</summary>
    public string? TargetCounter { get; set; }

    /// <summary>The counter that last transferred the ticket away: its late events about the ticket are ignored.</summary>
    public string? TransferredFrom { get; set; }

    public int Transfers { get; set; }

    /// <summary>The fleet's time of a recall after a skip: skip events from before it are ignored.</summary>
    public DateTime? ReturnedAt { get; set; }

    /// <summary>
    /// A transfer: the ticket leaves <paramref name="from"/> to wait for <paramref name="toCounter"/> only, or in
    /// <paramref name="toField"/>'s list, keeping its number and issue time (the caller sets the state).
    /// </summary>
    public void TransferFrom(string? from, string? toCounter, string? toField)
    {
        TransferredFrom = from;
        Counter = null;
        AssignedAt = null;
        TargetCounter = toCounter;
        Field = toField ?? Field;
        Transfers++;
    }

    /// <summary>True when a counter event about the ticket comes from the counter it was transferred away from.</summary>
    public bool IsFromFormerCounter(string? counter) => counter is not null && TransferredFrom == counter && Counter != counter;

    public static string KeyOf(string centre, string day) => $"{centre}|{day}";

    public static string IdOf(string centre, string day, string number) => $"{centre}|{day}|{number}";
}

/// <summary>The last call request of a device and its answer, so a resent request gets the same ticket.</summary>
public sealed class LastCall
{
    /// <summary>Device id.</summary>
    public string Id { get; set; } = "";

    public string RequestId { get; set; } = "";

    public string? Ticket { get; set; }

    public string? Field { get; set; }

    public string? Day { get; set; }

    public int Waiting { get; set; }
}
