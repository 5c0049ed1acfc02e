using System.Text.Json;
using Edge.Fleet.RatingKeys;
using Edge.Fleet.Store.Changes;
using Edge.Fleet.Web;
using Edge.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Fleet.Tests.RatingKeys;

public sealed class LiteRatingKeyStoreTests : RatingKeyStoreContract
{
    protected override Task<IRatingKeyStore> CreateStoreAsync() => Task.FromResult<IRatingKeyStore>(new LiteRatingKeyStore(FileIn("rating-keys.db")));

    [Fact]
    public async Task A_catalogue_kept_in_the_former_json_file_is_imported_once()
    {
        var json = FileIn("old/rating-keys.json");
        Directory.CreateDirectory(Path.GetDirectoryName(json)!);
        File.WriteAllText(json, JsonSerializer.Serialize(
            new RatingKeysFile(["c1"], ["wait"], new Dictionary<string, string> { ["dev-a"] = "c1" }), RatingKeysJson.Default.RatingKeysFile));

        using (var store = new LiteRatingKeyStore(FileIn("old/rating-keys.db"), json))
        {
            var keys = await store.LoadAsync(CancellationToken.None);
            Assert.Equal(["c1"], keys.Counters);
            Assert.Equal(["wait"], keys.Fields);
            Assert.Equal("c1", keys.DeviceCounters["dev-a"]);
            await store.LearnAsync("dev-a", "c9", [], CancellationToken.None);
        }

        // Reopened: the LiteDB file is the catalogue now, the JSON file is not read again.
        using var reopened = new LiteRatingKeyStore(FileIn("old/rating-keys.db"), json);
        Assert.Equal("c9", (await reopened.LoadAsync(CancellationToken.None)).DeviceCounters["dev-a"]);
    }

    [Fact]
    public async Task The_catalogue_answers_at_once_and_keeps_what_it_learnt_across_a_restart()
    {
        using (var catalog = new RatingKeyCatalog(Store, new InProcessChangeFeed(), TimeProvider.System, NullLogger<RatingKeyCatalog>.Instance))
        {
            catalog.Learn("dev-a", "c1", ["wait"]);
            Assert.Equal(["c1"], catalog.Counters);
            await catalog.FlushAsync(CancellationToken.None);
        }

        using var restarted = new RatingKeyCatalog(Store, new InProcessChangeFeed(), TimeProvider.System, NullLogger<RatingKeyCatalog>.Instance);
        Assert.Equal(["c1"], restarted.Counters);
        Assert.Equal(["wait"], restarted.Fields);
        Assert.Equal("c1", restarted.CounterOf("dev-a"));
    }

    [Fact]
    public async Task What_another_catalogue_learns_shows_after_its_change_is_announced()
    {
        var feed = new InProcessChangeFeed();
        using var nodeA = new RatingKeyCatalog(Store, feed, TimeProvider.System, NullLogger<RatingKeyCatalog>.Instance);
        using var nodeB = new RatingKeyCatalog(Store, feed, TimeProvider.System, NullLogger<RatingKeyCatalog>.Instance);

        nodeA.Learn("dev-a", "c1", ["wait"]);
        await nodeA.FlushAsync(CancellationToken.None);

        await Eventually.TrueAsync(() => Task.FromResult(nodeB.CounterOf("dev-a") == "c1"), TimeSpan.FromSeconds(10), "node B learnt dev-a's counter");
        Assert.Equal(["wait"], nodeB.Fields);
    }

    [Fact]
    public async Task What_many_devices_teach_at_once_is_written_in_a_few_writes_and_each_device_keeps_its_last_counter()
    {
        var store = new CountingRatingKeyStore(Store);
        using var catalog = new RatingKeyCatalog(store, new InProcessChangeFeed(), TimeProvider.System, NullLogger<RatingKeyCatalog>.Instance);

        for (var i = 0; i < 500; i++)
        {
            catalog.Learn($"dev-{i}", "c1", ["wait"]);
            catalog.Learn($"dev-{i}", $"c{i % 3}", []);
        }

        await catalog.FlushAsync(CancellationToken.None);

        var keys = await Store.LoadAsync(CancellationToken.None);
        Assert.Equal(500, keys.DeviceCounters.Count);
        Assert.All(Enumerable.Range(0, 500), i => Assert.Equal($"c{i % 3}", keys.DeviceCounters[$"dev-{i}"]));
        Assert.Equal(["c0", "c1", "c2"], keys.Counters);
        Assert.InRange(store.Writes, 1, 100);
    }

    /// <summary>Counts the writes that reach the store.</summary>
    private sealed class CountingRatingKeyStore(IRatingKeyStore inner) : IRatingKeyStore
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public Task<RatingKeySet> LoadAsync(CancellationToken cancellationToken) => inner.LoadAsync(cancellationToken);

        public Task<bool> LearnAsync(RatingKeySet learnt, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _writes);
            return inner.LearnAsync(learnt, cancellationToken);
        }
    }
}
