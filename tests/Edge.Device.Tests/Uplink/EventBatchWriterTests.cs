using System.Text.Json;
using Edge.Device.Outbox;
using Edge.Device.Uplink;
using Edge.Wire;

namespace Edge.Device.Tests.Uplink;

public sealed class EventBatchWriterTests
{
    [Fact]
    public void Written_batch_reads_back_as_the_wire_EventBatch()
    {
        var events = new[]
        {
            new DeviceEvent { Seq = 7, Kind = EventKinds.Rating, At = DateTimeOffset.Parse("2026-11-23T08:00:00+07:00"), Counter = "3", Level = 4, Scale = 4 },
            new DeviceEvent { Seq = 8, Kind = EventKinds.Rating, At = DateTimeOffset.Parse("2026-11-23T08:00:01+07:00"), Counter = "3", Level = 1, Scale = 4, Suspect = true },
        };
        var pending = events.Select(e => new PendingEvent(e.Seq, JsonSerializer.Serialize(e, WireJson.Default.DeviceEvent))).ToList();

        var payload = EventBatchWriter.Write("counter-3", pending);
        var batch = JsonSerializer.Deserialize(payload, WireJson.Default.EventBatch)!;

        Assert.Equal("counter-3", batch.DeviceId);
        Assert.Equal(events, batch.Events);
    }
}
