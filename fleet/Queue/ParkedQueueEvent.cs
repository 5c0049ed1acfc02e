using System.Text.Json;
using Edge.Wire;

namespace Edge.Fleet.Queue;

/// <summary>
/// A queue event whose ticket the fleet does not know yet: a counter's ticket.called/served/skipped or a rating that
/// reached the fleet before the kiosk's ticket.issued (after an outage each device's outbox drains on its own, README
/// "Events that arrive before their ticket"). Kept until the ticket's ticket.issued is applied, then applied in the same
/// commit and removed. The LiteDB document of <see cref="LiteQueueStore"/>; PostgreSQL keeps the same in
/// <c>queue_parked</c>.
/// </summary>
public sealed class ParkedQueueEvent
{
    /// <summary><see cref="QueueParking.KeyOf"/>: a redelivered event is kept once.</summary>
    public string Id { get; set; } = "";

    /// <summary>The ticket it waits for (<see cref="QueueTicket.IdOf"/>).</summary>
    public string TicketId { get; set; } = "";

    public string Centre { get; set; } = "";

    /// <summary>The ticket's printed day.</summary>
    public string Day { get; set; } = "";

    /// <summary>The ticket's number.</summary>
    public string Number { get; set; } = "";

    /// <summary>The device that sent it: the rules of <see cref="IQueueStore.ApplyAsync"/> depend on it (a kiosk's hand-out).</summary>
    public string DeviceId { get; set; } = "";

    /// <summary>The event as the device sent it (wire JSON).</summary>
    public string Event { get; set; } = "";
}

/// <summary>What both engines share about parked events: their key, their form, their order, their limit.</summary>
internal static class QueueParking
{
    /// <summary>
    /// Events kept per centre at most. Beyond it an event for an unknown ticket changes nothing (as before parking
    /// existed) and is counted as dropped: a device inventing ticket numbers cannot fill the store. The raw event
    /// stays in the event store either way.
    /// </summary>
    public const int MaxPerCentre = 10_000;

    /// <summary>The event's identity within its ticket: sender, sequence, kind and time.</summary>
    public static string KeyOf(string ticketId, string deviceId, DeviceEvent e) =>
        $"{ticketId}|{deviceId}|{e.Seq}|{e.Kind}|{QueueEvents.ToMilliseconds(e.At).Ticks}";

    /// <summary>The kinds applied to a known ticket: only these are kept while their ticket is unknown.</summary>
    public static bool CanWait(DeviceEvent e) => e.Kind is EventKinds.TicketCalled or EventKinds.TicketTransferred or EventKinds.TicketRecalled
        or EventKinds.TicketServed or EventKinds.TicketSkipped or EventKinds.Rating;

    public static string Serialize(DeviceEvent e) => JsonSerializer.Serialize(e, WireJson.Default.DeviceEvent);

    public static DeviceEvent Deserialize(string json) =>
        JsonSerializer.Deserialize(json, WireJson.Default.DeviceEvent) ?? throw new JsonException("A parked queue event is empty.");

    /// <summary>Parked events are applied in event time, then sequence order, as they happened at the counters.</summary>
    public static IEnumerable<(string DeviceId, DeviceEvent Event)> InApplyOrder(IEnumerable<(string DeviceId, DeviceEvent Event)> parked) =>
        parked.OrderBy(p => p.Event.At).ThenBy(p => p.Event.Seq).ThenBy(p => p.DeviceId, StringComparer.Ordinal);
}

/// <summary>What became of queue events whose ticket was unknown, since this node started (<c>/metrics</c>).</summary>
public sealed class QueueParkingCounts
{
    private long _parked;
    private long _applied;
    private long _dropped;

    /// <summary>Events kept to wait for their ticket.</summary>
    public long Parked => Interlocked.Read(ref _parked);

    /// <summary>Parked events applied once their ticket arrived.</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Events not kept because their centre had <see cref="QueueParking.MaxPerCentre"/> waiting already.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Adds what one committed apply did.</summary>
    public void Add(ParkingTally tally)
    {
        Interlocked.Add(ref _parked, tally.Parked);
        Interlocked.Add(ref _applied, tally.Applied);
        Interlocked.Add(ref _dropped, tally.Dropped);
    }
}

/// <summary>What one apply did with events of unknown tickets; added to <see cref="QueueParkingCounts"/> once committed.</summary>
public sealed class ParkingTally
{
    public int Parked { get; set; }

    public int Applied { get; set; }

    public int Dropped { get; set; }

    /// <summary>Events the centre may still park in this apply (read once per apply by the embedded store).</summary>
    internal int? Room { get; set; }
}
