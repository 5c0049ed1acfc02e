using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using Edge.Fleet.Store.Moving;
using Edge.Fleet.Store.Postgres;
using Edge.Fleet.Tests.Support;
using Edge.Storage;
using Edge.Testing;
using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Tests.Store;

/// <summary>
/// A <c>fleet.db</c> made before ratings were folded into their events (a second document per rating in a
/// <c>ratings</c> collection) answers as it did: folded when the store opens it, read in both places by
/// <c>move-to-postgres</c>. The old layout is written here by hand, as the earlier version wrote it.
/// </summary>
public sealed class LiteRatingsFoldTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Wrong = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempFolder _folder = new("lite-fold");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_file_with_a_document_per_rating_is_folded_at_opening_and_answers_as_before()
    {
        var path = _folder["fleet.db"];
        WriteOldFile(path);

        using (var store = new LiteEventStore(path))
        {
            await AssertSameAnswersAsync(store);

            // The rating still waiting for its run's anchor is placed on the folded event, once.
            Assert.Equal(1, await store.PlaceInTimeAsync(new ClockAnchor("dev-a", "r1", Now, 100_000, Exact: true), CancellationToken.None));
            Assert.Equal(1, (await store.CountRatingsAsync(new RatingFilter(From: Now.AddSeconds(-90), To: Now.AddSeconds(-89)), CancellationToken.None)).Total);
            Assert.Equal(0, (await store.CountRatingsAsync(new RatingFilter(From: Wrong, To: Wrong.AddSeconds(1)), CancellationToken.None)).Total);

            // New ratings go on as usual beside the folded ones.
            await store.AppendAsync([new EventBatch("dev-a", [Rating(6, 4, "c1")])], Now, CancellationToken.None);
            Assert.Equal(6, await store.GetAckedUpToAsync("dev-a", CancellationToken.None));
            Assert.Equal(6, (await store.CountRatingsAsync(new RatingFilter(), CancellationToken.None)).Total);
        }

        using var reopened = LiteFile.Open(path);
        Assert.False(reopened.CollectionExists(LiteDocuments.RatingsCollection));
        var indexes = reopened.GetCollection("$indexes").Find(Query.EQ("collection", LiteDocuments.EventsCollection)).Select(i => i["name"].AsString);
        Assert.Equal(["_id", LiteDocuments.RatedAtField], indexes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_file_folded_halfway_before_a_stop_is_finished_at_the_next_opening()
    {
        var path = _folder["fleet.db"];
        WriteOldFile(path);
        using (var db = LiteFile.Open(path))
        {
            // What one finished chunk leaves: dev-a's first ratings on their events, their statistics rows still there.
            var events = db.GetCollection(LiteDocuments.EventsCollection);
            foreach (var rating in db.GetCollection(LiteDocuments.RatingsCollection).Find(Query.EQ("device", "dev-a"), limit: 2).ToList())
            {
                var folded = events.FindById(rating["_id"]);
                LiteDocuments.SetRating(folded, LiteRatingsFold.RatedAt(rating), rating["satisfied"].AsBoolean, LiteRatingsFold.Clock(rating), LiteRatingsFold.Run(rating));
                events.Update(folded);
            }
        }

        // The copier, reading such a file, takes each rating once; the store finishes the fold.
        var (target, _) = await postgres.CreateMigratedDatabaseAsync();
        await using var _target = target;
        await new EventCopier().CopyAsync(new FleetOptions { DataDir = _folder.Path }, target, CancellationToken.None);
        await AssertSameAnswersAsync(new PostgresEventStore(target));
        using var store = new LiteEventStore(path);
        await AssertSameAnswersAsync(store);
    }

    [Fact]
    public async Task Move_to_postgres_copies_the_ratings_of_a_file_not_folded_yet_with_their_placed_times()
    {
        var path = _folder["fleet.db"];
        WriteOldFile(path);
        var (target, _) = await postgres.CreateMigratedDatabaseAsync();
        await using var _target = target;

        Assert.Equal(7, await new EventCopier().CopyAsync(new FleetOptions { DataDir = _folder.Path }, target, CancellationToken.None));

        await AssertSameAnswersAsync(new PostgresEventStore(target));
        using var source = LiteFile.Open(path);
        Assert.True(source.CollectionExists(LiteDocuments.RatingsCollection), "the copier does not write its source");
    }

    /// <summary>What <see cref="WriteOldFile"/> holds, asked as the statistics ask.</summary>
    private static async Task AssertSameAnswersAsync(IEventStore store)
    {
        async Task<long> Count(RatingFilter filter) => (await store.CountRatingsAsync(filter, CancellationToken.None)).Total;

        Assert.Equal(5, await Count(new RatingFilter()));
        Assert.Equal(3, await Count(new RatingFilter(Counter: "c1")));
        Assert.Equal(2, await Count(new RatingFilter(DeviceId: "dev-b")));
        Assert.Equal(1, await Count(new RatingFilter(Field: "f1")));
        Assert.Equal(3, await Count(new RatingFilter(From: Now, To: Now.AddSeconds(1))));
        Assert.Equal(1, await Count(new RatingFilter(From: Now.AddMinutes(-30), To: Now.AddMinutes(-29))));
        Assert.Equal(1, await Count(new RatingFilter(From: Wrong, To: Wrong.AddSeconds(1))));
        var all = await store.CountRatingsAsync(new RatingFilter(), CancellationToken.None);
        Assert.Equal((2L, 1L, 1L, 1L, 3L), (all.ByLevel[4], all.ByLevel[3], all.ByLevel[2], all.ByLevel[1], all.Satisfied));
        Assert.Equal(5, await store.GetAckedUpToAsync("dev-a", CancellationToken.None));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], (await store.ReadEventsAsync("dev-a", 0, 10, CancellationToken.None)).Select(e => e.Seq));
    }

    /// <summary>
    /// As the earlier version stored them: dev-a seqs 1-5 (a rating, one placed in time by an anchor since, a suspect one,
    /// a heartbeat-like event that is no rating, and one of run r1 still waiting for its anchor), dev-b seqs 1-2.
    /// </summary>
    private static void WriteOldFile(string path)
    {
        using var db = LiteFile.Open(path, LiteDocuments.EventsCollection, LiteDocuments.SequencesCollection, LiteDocuments.RatingsCollection,
            LiteDocuments.ClockPendingCollection, LiteDocuments.ConflictsCollection);
        OldLayout.EnsureIndexes(db);

        void Store(string device, DeviceEvent e, DateTimeOffset? placedAt = null, string clock = RatingClock.Device) =>
            OldLayout.Store(db, device, e, Now, placedAt, clock);

        LiteFile.CommitDurably(db, () =>
        {
            Store("dev-a", Rating(1, 4, "c1"));
            Store("dev-a", Rating(2, 3, "c1", at: Wrong) with { Run = "r0", ClockSynced = false }, Now.AddMinutes(-30), RatingClock.Corrected);
            Store("dev-a", Rating(3, 1, "c1") with { Suspect = true });
            Store("dev-a", new DeviceEvent { Seq = 4, Kind = EventKinds.Dropped, At = Now, UptimeMs = 4000 });
            Store("dev-a", Rating(5, 1, "c2", at: Wrong) with { Run = "r1", ClockSynced = false, UptimeMs = 10_000 }, clock: RatingClock.Unsynced);
            Store("dev-b", Rating(1, 4, "c1", field: "f1"));
            Store("dev-b", Rating(2, 2, "c2"));
            db.GetCollection(LiteDocuments.SequencesCollection).Insert(LiteDocuments.FromSequence(new DeviceSequence("dev-a", 5, 5, 5, 0, 1, Now)));
            return db.GetCollection(LiteDocuments.SequencesCollection).Insert(LiteDocuments.FromSequence(new DeviceSequence("dev-b", 2, 2, 2, 0, 0, Now)));
        });
    }

    private static DeviceEvent Rating(long seq, int level, string counter, string? field = null, DateTimeOffset? at = null) =>
        EventStoreContract.Rating(seq, level, counter, field, at: at ?? Now);
}
