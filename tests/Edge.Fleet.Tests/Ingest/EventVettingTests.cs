using Edge.Fleet.Ingest;
using Edge.Fleet.Store;
using Edge.Fleet.Tests.Support;
using Edge.Wire;

namespace Edge.Fleet.Tests.Ingest;

public sealed class EventVettingTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(5)]
    [InlineData(99)]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    public void Rating_outside_its_scale_becomes_a_marker_with_its_seq(int level)
    {
        var vetted = EventVetting.Vet(new EventBatch("dev-a", [Events.Rating(7, level)]), null);

        var marker = Assert.Single(vetted.Batch.Events);
        Assert.Equal((7L, EventVetting.RejectedKind, EventKinds.Rating, EventRejections.LevelOutOfScale), (marker.Seq, marker.Kind, marker.Subject, marker.State));
        Assert.Null(marker.Level);
        Assert.Equal([(7L, EventRejections.LevelOutOfScale)], vetted.Rejected);
    }

    [Fact]
    public void Invalid_scale_missing_level_and_over_long_text_are_refused_with_their_reason()
    {
        var events = new[]
        {
            Events.Rating(1, 3) with { Scale = 1 },
            Events.Rating(2, 3) with { Level = null },
            Events.Rating(3, 3) with { Ticket = new string('7', 200) },
            new DeviceEvent { Seq = 4, Kind = new string('k', 129), At = Events.Morning },
            Events.Rating(5, 3) with { Run = new string('ệ', 50) },
        };

        var vetted = EventVetting.Vet(new EventBatch("dev-a", events), null);

        Assert.Equal(
            [EventRejections.InvalidScale, EventRejections.RatingWithoutLevel, EventRejections.TextTooLong, EventRejections.TextTooLong, EventRejections.TextTooLong],
            vetted.Rejected.Select(r => r.Reason));
        Assert.All(vetted.Batch.Events, e => Assert.True(StorableEvent.Fits(e.Subject, EventVetting.MaxTextBytes)));
    }

    [Fact]
    public void Enrolled_device_gets_the_registrys_counter_and_an_open_brokers_keeps_its_own()
    {
        var batch = new EventBatch("dev-a", [Events.Rating(1, 4, counter: "someone-elses")]);

        Assert.Equal("c7", EventVetting.Vet(batch, new DeviceAssignment("c7")).Batch.Events[0].Counter);
        Assert.Null(EventVetting.Vet(batch, new DeviceAssignment(null)).Batch.Events[0].Counter);
        Assert.Equal("someone-elses", EventVetting.Vet(batch, null).Batch.Events[0].Counter);
    }

    [Fact]
    public void Uptime_is_clamped_and_long_detail_cut_but_the_event_kept()
    {
        var batch = new EventBatch("dev-a", [Events.Rating(1, 4) with { UptimeMs = long.MaxValue, Detail = new string('d', 5000) }, Events.Rating(2, 4) with { UptimeMs = long.MinValue }]);

        var vetted = EventVetting.Vet(batch, null);

        Assert.Empty(vetted.Rejected);
        Assert.Equal([StorableEvent.MaxUptimeMs, 0L], vetted.Batch.Events.Select(e => e.UptimeMs));
        Assert.Equal(StorableEvent.MaxDetailBytes, vetted.Batch.Events[0].Detail!.Length);
    }

    [Fact]
    public void Rejections_are_counted_per_device_and_reason()
    {
        var counters = new IngestCounts();

        counters.RejectedEvents("dev-a", [(1, EventRejections.LevelOutOfScale), (2, EventRejections.LevelOutOfScale), (3, EventRejections.TextTooLong)]);
        counters.Rejected("dev-b", IngestResult.Malformed);

        var view = counters.Snapshot();
        Assert.Equal(3, view.RejectedEvents);
        Assert.Equal(2, view.RejectedByDevice["dev-a"][EventRejections.LevelOutOfScale]);
        Assert.Equal(1, view.RejectedByDevice["dev-a"][EventRejections.TextTooLong]);
        Assert.Equal(1, view.RejectedByDevice["dev-b"]["malformed"]);
        Assert.Equal(1, view.Rejected["malformed"]);
    }
}
