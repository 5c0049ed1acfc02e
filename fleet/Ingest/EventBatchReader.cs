using System.Buffers;
using System.Text.Json;
using Edge.Wire;

namespace Edge.Fleet.Ingest;

/// <summary>A payload read from an events topic: the batch when valid, otherwise why it was refused.</summary>
public readonly record struct BatchReading(EventBatch? Batch, IngestResult Result, string Detail)
{
    public static BatchReading Valid(EventBatch batch) => new(batch, IngestResult.Stored, "");

    public static BatchReading Refused(IngestResult result, string detail) => new(null, result, detail);
}

/// <summary>
/// Turns an events payload into a batch the store may take, or a reason to refuse it. Pure: no I/O, no state,
/// so it is the same for the embedded broker and for a node behind an external broker.
/// </summary>
public static class EventBatchReader
{
    public static BatchReading Read(string topicDeviceId, ReadOnlySequence<byte> payload)
    {
        if (payload.Length > WireLimits.MaxEventsPayloadBytes)
        {
            return BatchReading.Refused(IngestResult.Oversized, $"{payload.Length} bytes, limit {WireLimits.MaxEventsPayloadBytes}");
        }

        EventBatch? batch;
        try
        {
            var reader = new Utf8JsonReader(payload);
            batch = JsonSerializer.Deserialize(ref reader, WireJson.Default.EventBatch);
        }
        catch (JsonException ex)
        {
            return BatchReading.Refused(IngestResult.Malformed, ex.Message);
        }

        // The wire records declare these non-null, but JSON can still leave them out.
        if (batch?.DeviceId is null || batch.Events is null || batch.Events.Any(e => e?.Kind is null))
        {
            return BatchReading.Refused(IngestResult.Malformed, "deviceId, events or an event's kind is missing");
        }

        if (!string.Equals(batch.DeviceId, topicDeviceId, StringComparison.Ordinal))
        {
            return BatchReading.Refused(IngestResult.DeviceMismatch, $"batch of '{batch.DeviceId}' on the topic of '{topicDeviceId}'");
        }

        if (batch.Events.Count > WireLimits.MaxEventsPerBatch)
        {
            return BatchReading.Refused(IngestResult.TooManyEvents, $"{batch.Events.Count} events, limit {WireLimits.MaxEventsPerBatch}");
        }

        if (batch.Events.FirstOrDefault(e => e.Seq < 1) is { } bad)
        {
            return BatchReading.Refused(IngestResult.InvalidSeq, $"seq {bad.Seq}");
        }

        return BatchReading.Valid(batch);
    }
}
