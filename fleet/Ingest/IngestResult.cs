namespace Edge.Fleet.Ingest;

/// <summary>What became of one events payload. Everything but <see cref="Stored"/> leaves the device to resend.</summary>
public enum IngestResult
{
    /// <summary>Every event of the batch is durably stored (now or before: redeliveries are stored once).</summary>
    Stored,

    /// <summary>Not JSON, or not an events batch.</summary>
    Malformed,

    /// <summary>Payload larger than <see cref="Edge.Wire.WireLimits.MaxEventsPayloadBytes"/>.</summary>
    Oversized,

    /// <summary>More events than <see cref="Edge.Wire.WireLimits.MaxEventsPerBatch"/>.</summary>
    TooManyEvents,

    /// <summary>The batch names another device than the topic it was published on.</summary>
    DeviceMismatch,

    /// <summary>An event with a seq below 1.</summary>
    InvalidSeq,

    /// <summary>An event with a seq more than <see cref="IngestOptions.MaxSeqAhead"/> above the device's ack.</summary>
    SeqOutOfWindow,

    /// <summary>Valid, but the store failed or the node is stopping: nothing acknowledged, the device resends.</summary>
    NotStored,
}

public static class IngestResultNames
{
    /// <summary>The name a rejection is counted and logged under.</summary>
    public static string CounterName(this IngestResult result) => result switch
    {
        IngestResult.Stored => "stored",
        IngestResult.Malformed => "malformed",
        IngestResult.Oversized => "oversized",
        IngestResult.TooManyEvents => "too-many-events",
        IngestResult.DeviceMismatch => "device-mismatch",
        IngestResult.InvalidSeq => "invalid-seq",
        IngestResult.SeqOutOfWindow => "seq-out-of-window",
        IngestResult.NotStored => "not-stored",
        _ => result.ToString(),
    };
}
