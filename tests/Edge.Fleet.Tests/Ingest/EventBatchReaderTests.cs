using System.Buffers;
using System.Text;
using System.Text.Json;
using Edge.Fleet.Ingest;
using Edge.Fleet.Tests.Support;
using Edge.Wire;

namespace Edge.Fleet.Tests.Ingest;

public sealed class EventBatchReaderTests
{
    [Fact]
    public void Valid_batch_is_read()
    {
        var reading = Read("dev-a", Serialize(new EventBatch("dev-a", Events.Ratings(1, 3))));

        Assert.Equal(IngestResult.Stored, reading.Result);
        Assert.Equal(3, reading.Batch!.Events.Count);
        Assert.Equal(2, reading.Batch.Events[1].Level);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"deviceId\": \"dev-a\", \"events\": [")]
    [InlineData("[1, 2]")]
    [InlineData("null")]
    [InlineData("{\"events\": []}")]
    [InlineData("{\"deviceId\": \"dev-a\"}")]
    [InlineData("{\"deviceId\": \"dev-a\", \"events\": [{\"seq\": 1, \"at\": \"2026-11-23T08:00:00Z\"}]}")]
    [InlineData("{\"deviceId\": \"dev-a\", \"events\": [null]}")]
    [InlineData("{\"deviceId\": \"dev-a\", \"events\": [{\"seq\": \"one\", \"kind\": \"rating\", \"at\": \"2026-11-23T08:00:00Z\"}]}")]
    public void Unreadable_payload_is_malformed(string payload)
    {
        var reading = Read("dev-a", Encoding.UTF8.GetBytes(payload));

        Assert.Null(reading.Batch);
        Assert.Equal(IngestResult.Malformed, reading.Result);
    }

    [Fact]
    public void Payload_over_the_limit_is_oversized_without_being_parsed()
    {
        var reading = Read("dev-a", new byte[WireLimits.MaxEventsPayloadBytes + 1]);

        Assert.Equal(IngestResult.Oversized, reading.Result);
    }

    [Fact]
    public void Batch_of_another_device_is_a_mismatch()
    {
        Assert.Equal(IngestResult.DeviceMismatch, Read("dev-a", Serialize(new EventBatch("dev-b", Events.Ratings(1, 1)))).Result);
    }

    [Fact]
    public void Too_many_events_are_refused()
    {
        var batch = new EventBatch("dev-a", Events.Ratings(1, WireLimits.MaxEventsPerBatch + 1));

        Assert.Equal(IngestResult.TooManyEvents, Read("dev-a", Serialize(batch)).Result);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Seq_below_one_is_refused(long seq)
    {
        var batch = new EventBatch("dev-a", [Events.Rating(1, 4), Events.Rating(seq, 4)]);

        Assert.Equal(IngestResult.InvalidSeq, Read("dev-a", Serialize(batch)).Result);
    }

    [Fact]
    public void Payload_split_over_several_segments_is_read()
    {
        var bytes = Serialize(new EventBatch("dev-a", Events.Ratings(1, 20)));

        var reading = EventBatchReader.Read("dev-a", Segmented(bytes, 7));

        Assert.Equal(20, reading.Batch!.Events.Count);
    }

    private static BatchReading Read(string device, byte[] payload) => EventBatchReader.Read(device, new ReadOnlySequence<byte>(payload));

    private static byte[] Serialize(EventBatch batch) => JsonSerializer.SerializeToUtf8Bytes(batch, WireJson.Default.EventBatch);

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int size)
    {
        var first = new Segment(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
        var last = first;
        for (var offset = size; offset < bytes.Length; offset += size)
        {
            last = last.Append(bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
