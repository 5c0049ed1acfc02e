namespace Edge.Wire;

/// <summary>
/// One thing that happened on a device. Events are numbered per device by <see cref="Seq"/> (1, 2, 3, ...),
/// which orders them; <see cref="At"/> is the device's wall clock and may be wrong until NTP syncs,
/// <see cref="UptimeMs"/> is monotonic since the host started.
/// Kind-specific fields are null when they do not apply (see <see cref="EventKinds"/>).
/// </summary>
public sealed record DeviceEvent
{
    public required long Seq { get; init; }
    public required string Kind { get; init; }
    public required DateTimeOffset At { get; init; }
    public long UptimeMs { get; init; }

    /// <summary>
    /// Which run of the device host took <see cref="UptimeMs"/> (a new id each time the host starts): within one run,
    /// uptime maps to true time through one anchor, which is how the fleet corrects <see cref="At"/>.
    /// </summary>
    public string? Run { get; init; }

    /// <summary>
    /// False when the device's wall clock was not known to be synchronised when the event happened (an RTC-less Pi
    /// before NTP): the fleet then places the event in time from an anchor of the same <see cref="Run"/>. Null: synced
    /// (devices that do not say).
    /// </summary>
    public bool? ClockSynced { get; init; }

    /// <summary>Counter (quầy) the device serves, when it serves one.</summary>
    public string? Counter { get; init; }

    /// <summary>Rating level, 1 (worst) .. <see cref="Scale"/> (best).</summary>
    public int? Level { get; init; }

    /// <summary>Number of levels of the rating scale in force when the rating was given.</summary>
    public int? Scale { get; init; }

    /// <summary>True when the press looked like misuse (burst, held button): stored, not counted.</summary>
    public bool? Suspect { get; init; }

    /// <summary>Queue ticket number this event concerns (issued, called, rated).</summary>
    public string? Ticket { get; init; }

    /// <summary>Field of service (lĩnh vực).</summary>
    public string? Field { get; init; }

    /// <summary>
    /// True on a priority ticket's ticket.issued (the elderly, people with disabilities, pregnant women, people with
    /// small children: served first, fleet/Queue/README.md). Null: an ordinary ticket.
    /// </summary>
    public bool? Priority { get; init; }

    /// <summary>Where a ticket.transferred went: the field or counter it joins.</summary>
    public string? To { get; init; }

    /// <summary>Peripheral or part the event is about ("printer", "button:2", ...).</summary>
    public string? Subject { get; init; }

    /// <summary>New state of <see cref="Subject"/> ("paper-out", "stuck", "ok", ...).</summary>
    public string? State { get; init; }

    /// <summary>Free text for people.</summary>
    public string? Detail { get; init; }
}

/// <summary>Event kinds on the wire.</summary>
public static class EventKinds
{
    public const string Rating = "rating";
    public const string TicketIssued = "ticket.issued";
    public const string TicketCalled = "ticket.called";
    public const string TicketRecalled = "ticket.recalled";
    public const string TicketSkipped = "ticket.skipped";
    public const string TicketServed = "ticket.served";

    /// <summary>A counter moved the ticket it served to another field or counter (the fleet did it; this is the record).</summary>
    public const string TicketTransferred = "ticket.transferred";
    public const string Peripheral = "peripheral";
    public const string HealthSample = "health.sample";

    /// <summary>What the device's outbox left of an event it had to drop to stay under its byte cap.</summary>
    public const string Dropped = "dropped";

    /// <summary>Kinds the outbox may reduce to a <see cref="Dropped"/> marker when full; all others are kept.</summary>
    public static bool IsDroppable(string kind) => kind == HealthSample;
}
