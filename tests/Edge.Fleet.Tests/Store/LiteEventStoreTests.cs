using System.Globalization;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using Edge.Fleet.Tests.Support;
using Edge.Storage;
using Edge.Testing;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Tests.Store;

/// <summary>The store contract on the embedded LiteDB store, plus what only a file-backed store has to show.</summary>
public sealed class LiteEventStoreTests : EventStoreContract
{
    private readonly TempFolder _folder = new("lite-store");

    protected override Task<IEventStore> CreateStoreAsync() => Task.FromResult<IEventStore>(new LiteEventStore(_folder["fleet.db"]));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Everything_is_still_there_after_reopening_the_file()
    {
        await AppendAsync(Batch("dev-a", Rating(1, 4), Rating(2, 1), Rating(4, 3)));
        await base.DisposeAsync();

        using var reopened = new LiteEventStore(_folder["fleet.db"]);

        Assert.Equal(2, await reopened.GetAckedUpToAsync("dev-a", CancellationToken.None));
        var sequence = Assert.Single(await reopened.ListSequencesAsync(CancellationToken.None));
        Assert.Equal((2L, 4L, 3L, 1L), (sequence.UpTo, sequence.MaxSeq, sequence.Stored, sequence.Missing));
        Assert.Equal(3, (await reopened.CountRatingsAsync(new RatingFilter(), CancellationToken.None)).Total);
    }

    [Fact]
    public async Task Ratings_awaiting_their_time_are_still_placeable_after_reopening_the_file()
    {
        var wrong = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await AppendAsync(Batch("dev-a", Rating(1, 4, at: wrong) with { Run = "r1", UptimeMs = 10_000, ClockSynced = false }));
        await base.DisposeAsync();

        using var reopened = new LiteEventStore(_folder["fleet.db"]);
        Assert.Equal(1, await reopened.PlaceInTimeAsync(new ClockAnchor("dev-a", "r1", Now, 70_000, Exact: false), CancellationToken.None));
        Assert.Equal(1, await reopened.PlaceInTimeAsync(new ClockAnchor("dev-a", "r1", Now, 70_000, Exact: true), CancellationToken.None));
        Assert.Equal(0, await reopened.PlaceInTimeAsync(new ClockAnchor("dev-a", "r1", Now, 70_000, Exact: true), CancellationToken.None));
        Assert.Equal(1, (await reopened.CountRatingsAsync(new RatingFilter(From: Now.AddMinutes(-1), To: Now.AddSeconds(-59)), CancellationToken.None)).Total);
    }

    [Fact]
    public async Task A_new_file_compares_its_keys_ordinally()
    {
        await AppendAsync(Batch("dev-a", Rating(1, 4)));
        await base.DisposeAsync();

        using var db = LiteFile.Open(_folder["fleet.db"]);
        Assert.Equal(CompareOptions.Ordinal, db.Collation.SortOptions);
    }

    [Fact]
    public async Task A_file_made_by_an_earlier_version_keeps_its_collation_and_answers_as_before()
    {
        var path = _folder["old.db"];
        var first = Rating(1, 4, counter: "Desk");
        using (var old = LiteFile.Open(path, LiteDocuments.EventsCollection, LiteDocuments.SequencesCollection, LiteDocuments.RatingsCollection))
        {
            // As the fleet made its file until then: LiteDB's default collation (the current culture, ignoring case), one
            // rating stored as two documents (OldLayout).
            Assert.Equal(CompareOptions.IgnoreCase, old.Collation.SortOptions);
            OldLayout.EnsureIndexes(old);
            LiteFile.CommitDurably(old, () =>
            {
                OldLayout.Store(old, "dev-a", first, Now);
                return old.GetCollection(LiteDocuments.SequencesCollection).Insert(
                    LiteDocuments.FromSequence(new DeviceSequence("dev-a", 1, 1, 1, 0, 0, Now)));
            });
        }

        using (var store = new LiteEventStore(path))
        {
            await store.AppendAsync([Batch("dev-a", first, Rating(2, 1, counter: "desk")), Batch("dev-b", Rating(1, 2, counter: "desk"))], Now, CancellationToken.None);
            Assert.Equal(2, await store.GetAckedUpToAsync("dev-a", CancellationToken.None));
            Assert.Equal(3, (await store.CountRatingsAsync(new RatingFilter(Counter: "desk"), CancellationToken.None)).Total);
            Assert.Equal(2, (await store.CountRatingsAsync(new RatingFilter(DeviceId: "dev-a"), CancellationToken.None)).Total);
            Assert.Equal(1, (await store.CountRatingsAsync(new RatingFilter(Counter: "DESK", DeviceId: "dev-b"), CancellationToken.None)).Total);
            Assert.Equal([1L, 2L], (await store.ReadEventsAsync("dev-a", 0, 10, CancellationToken.None)).Select(e => e.Seq));
        }

        using var reopened = LiteFile.Open(path);
        Assert.Equal(CompareOptions.IgnoreCase, reopened.Collation.SortOptions);
    }
}

/// <summary>
/// The ack is the fleet's promise that events are on disk: a fleet process SIGKILLed as soon as its ack reached the
/// device must still have every acknowledged event when the file is opened again. LiteDB alone would not keep that
/// promise (its commit returns before its background writer has written the log); this shows the store does.
/// </summary>
public sealed class LiteEventStoreDurabilityTests
{
    [Fact]
    public async Task Events_acknowledged_just_before_a_SIGKILL_are_in_the_file_after_it()
    {
        using var data = new TempFolder("lite-kill");
        const int rounds = 3;
        const int perRound = 200;
        DeviceCredentials? credentials = null;
        for (var round = 0; round < rounds; round++)
        {
            using var fleet = await FleetStart.StartFleetAsync(data.Path);
            credentials ??= await fleet.ProvisionAsync(FleetRunner.DefaultCentre, "c1", "dev-kill");
            await using var device = await TestDevice.ConnectAsync(fleet.MqttPort, credentials);
            var first = (round * perRound) + 1;
            var last = (round + 1) * perRound;

            // Five batches in a row, then the kill the moment the last ack arrives.
            for (var start = first; start <= last; start += perRound / 5)
            {
                await device.PublishEventsAsync(Events.Ratings(start, start + (perRound / 5) - 1));
            }

            Assert.Equal(last, await device.WaitForAckAsync(last));
            fleet.Kill();
        }

        using var store = new LiteEventStore(Path.Combine(data.Path, "fleet.db"));
        Assert.Equal(rounds * perRound, await store.GetAckedUpToAsync("dev-kill", CancellationToken.None));
        Assert.Equal(rounds * perRound, (await store.CountRatingsAsync(new RatingFilter(), CancellationToken.None)).Total);
    }
}

/// <summary>
/// LiteDB 5 fails a read of a collection that another thread's transaction is creating at that moment, and can then
/// refuse every later call: a fleet lost its store that way when its first event arrived while the device list was
/// being read. The store creates its collections when it opens; this races the first append against readers on
/// fresh files.
/// </summary>
public sealed class LiteEventStoreFirstWriteTests
{
    [Fact]
    public async Task Reading_while_the_first_events_are_stored_never_breaks_a_fresh_store()
    {
        using var folder = new TempFolder("lite-first-write");
        for (var round = 0; round < 40; round++)
        {
            using var store = new LiteEventStore(folder[$"fleet-{round}.db"]);
            using var stop = new CancellationTokenSource();
            var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await store.ListSequencesAsync(CancellationToken.None);
                    await store.GetAckedUpToAsync("dev-a", CancellationToken.None);
                    await store.CountRatingsAsync(new RatingFilter(), CancellationToken.None);
                }
            })).ToList();

            var upTo = await Task.Run(() => store.AppendAsync([new EventBatch("dev-a", Events.Ratings(1, 6))], DateTimeOffset.UtcNow, CancellationToken.None));
            await stop.CancelAsync();
            await Task.WhenAll(readers);

            Assert.Equal(6, upTo["dev-a"]);
            Assert.Equal(6, (await store.CountRatingsAsync(new RatingFilter(), CancellationToken.None)).Total);
        }
    }
}
