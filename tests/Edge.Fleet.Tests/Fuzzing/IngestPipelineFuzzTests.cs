using CsCheck;
using Edge.Fleet.Ingest;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using Edge.Testing;
using Edge.Wire;

namespace Edge.Fleet.Tests.Fuzzing;

/// <summary>
/// Events with any field values through vetting and into a real LiteDB store (the engine with the tighter limits):
/// the append never fails, only valid ratings are counted, every seq is stored (refused ones as markers).
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class IngestPipelineFuzzTests : IDisposable
{
    private readonly TempFolder _folder = new("fuzz-ingest");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Vetting_leaves_only_valid_events_or_markers_and_never_throws()
    {
        Gen.Select(WireGen.Event.Array[0, 8], Gen.Bool, WireGen.Text).Sample(t =>
        {
            var batch = new EventBatch("dev-a", t.Item1);
            var assignment = t.Item2 ? new DeviceAssignment(t.Item3) : null;
            var vetted = EventVetting.Vet(batch, assignment);

            Assert.Equal(batch.Events.Select(e => e.Seq), vetted.Batch.Events.Select(e => e.Seq));
            Assert.Equal(vetted.Batch.Events.Count(e => e.Kind == EventVetting.RejectedKind) - batch.Events.Count(e => e.Kind == EventVetting.RejectedKind && EventVetting.ReasonToRefuse(e) is null),
                vetted.Rejected.Count);
            foreach (var (sent, kept) in batch.Events.Zip(vetted.Batch.Events))
            {
                Assert.InRange(kept.UptimeMs, 0, StorableEvent.MaxUptimeMs);
                if (kept.Kind == EventKinds.Rating)
                {
                    Assert.InRange(kept.Level!.Value, 1, kept.Scale ?? RatingScale.Default);
                    Assert.Equal(sent.Level, kept.Level);
                }

                if (assignment is not null && kept.Kind != EventVetting.RejectedKind)
                {
                    Assert.Equal(assignment.Counter, kept.Counter);
                }
            }
        }, iter: FuzzBudget.Iter(400));
    }

    [Fact]
    public void Vetted_batches_of_any_content_are_stored_and_only_valid_ratings_counted()
    {
        using var store = new LiteEventStore(_folder["fleet.db"]);
        var device = 0;
        WireGen.Event.Array[1, 15].Sample(events =>
        {
            var id = $"dev-{Interlocked.Increment(ref device)}";
            var vetted = EventVetting.Vet(new EventBatch(id, events), null);

            store.AppendAsync([vetted.Batch], DateTimeOffset.UtcNow, CancellationToken.None).GetAwaiter().GetResult();

            var sequence = store.ListSequencesAsync(CancellationToken.None).GetAwaiter().GetResult().Single(s => s.DeviceId == id);
            Assert.Equal(events.Select(e => e.Seq).Distinct().Count(), sequence.Stored);
            var counted = store.CountRatingsAsync(new RatingFilter(DeviceId: id), CancellationToken.None).GetAwaiter().GetResult();
            Assert.All(counted.ByLevel.Keys, level => Assert.InRange(level, 1, 10));
            var firstCopies = vetted.Batch.Events.DistinctBy(e => e.Seq);
            Assert.Equal(firstCopies.Count(e => e.Kind == EventKinds.Rating && e.Suspect != true), counted.Total);
        }, iter: FuzzBudget.Iter(100), threads: 1);
    }
}
