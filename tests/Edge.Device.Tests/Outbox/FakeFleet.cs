using System.Text.Json;
using Edge.Device.Outbox;
using Edge.Wire;

namespace Edge.Device.Tests.Outbox;

/// <summary>The fleet's side of the outbox protocol in memory: stores each seq once, acks the highest contiguous seq.</summary>
public sealed class FakeFleet
{
    public SortedDictionary<long, DeviceEvent> Stored { get; } = new();

    public long UpTo
    {
        get
        {
            long upTo = 0;
            while (Stored.ContainsKey(upTo + 1))
            {
                upTo++;
            }

            return upTo;
        }
    }

    public void Receive(IEnumerable<PendingEvent> batch)
    {
        foreach (var pending in batch)
        {
            var evt = JsonSerializer.Deserialize(pending.Json, WireJson.Default.DeviceEvent)!;
            Assert.Equal(pending.Seq, evt.Seq);
            Stored.TryAdd(evt.Seq, evt); // a seq already stored is a duplicate: ignored
        }
    }

    /// <summary>What the uplink does: the current ack on connect, then send and ack until the outbox is empty.</summary>
    public async Task DrainAsync(OutboxStore outbox)
    {
        await outbox.AcknowledgeAsync(UpTo);
        for (var turn = 0; outbox.Depth > 0; turn++)
        {
            Assert.True(turn < 1000, "the outbox does not drain");
            Assert.False(outbox.AwaitingFleetSeq);
            Receive(outbox.ReadAfter(outbox.LastAckedSeq, 100, int.MaxValue));
            await outbox.AcknowledgeAsync(UpTo);
        }
    }

    public IEnumerable<string> Details => Stored.Values.Select(e => e.Detail ?? "");
}
