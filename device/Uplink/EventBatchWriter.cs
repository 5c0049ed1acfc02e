using System.Text.Json;
using Edge.Device.Outbox;

namespace Edge.Device.Uplink;

/// <summary>
/// Writes an <see cref="Wire.EventBatch"/> payload from the events' stored JSON without parsing them again.
/// The property names are those of <see cref="Wire.WireJson"/>; a test round-trips the result through it.
/// </summary>
public static class EventBatchWriter
{
    public static byte[] Write(string deviceId, IReadOnlyList<PendingEvent> events)
    {
        using var buffer = new MemoryStream(events.Sum(e => e.Json.Length) + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("deviceId", deviceId);
            writer.WriteStartArray("events");
            foreach (var evt in events)
            {
                writer.WriteRawValue(evt.Json, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
