namespace Edge.Device.Outbox;

/// <summary>An event in the outbox, not yet acknowledged by the fleet: its seq and its wire JSON.</summary>
public readonly record struct PendingEvent(long Seq, string Json);

/// <summary>What the outbox holds, for the status endpoint and the heartbeat.</summary>
public sealed record OutboxSnapshot(
    long Depth,
    long Bytes,
    long NextSeq,
    long LastAckedSeq,
    double OldestUnackedAgeS,
    long DroppedEvents,
    double DrainRatePerS,
    long FileBytes,
    bool AwaitingFleetSeq = false,
    bool Available = true,
    long SalvagedEvents = 0);
