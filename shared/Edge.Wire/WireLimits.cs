namespace Edge.Wire;

/// <summary>Sizes both sides agree on.</summary>
public static class WireLimits
{
    /// <summary>Largest events payload the fleet accepts; devices size their batches under it.</summary>
    public const int MaxEventsPayloadBytes = 256 * 1024;

    /// <summary>Largest number of events in one batch.</summary>
    public const int MaxEventsPerBatch = 1000;
}
