namespace Edge.Fleet.Queue;

/// <summary>
/// One ticket of a centre's queue day as the fleet keeps it (<see cref="IQueueStore"/>). Times come from the devices' events
/// (<see cref="IssuedAt"/> from the kiosk, <see cref="CalledAt"/> and <see cref="ServedAt"/> from the counter);
/// <see cref="AssignedAt"/> is the fleet's own clock when it handed the ticket to a counter.
/// </summary>
public sealed class QueueTicket
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

    public static string KeyOf(string centre, string day) => $"{centre}|{day}";

    public static string IdOf(string centre, string day, string number) => $"{centre}|{day}|{number}";
}

public static class TicketStates
{
    public const string Waiting = "waiting";
    public const string Called = "called";
    public const string Served = "served";
    public const string Skipped = "skipped";
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
