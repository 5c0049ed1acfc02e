using System.Text.Json;
using Edge.Fleet.Devices;
using Edge.Fleet.Health;
using Edge.Fleet.RatingKeys;
using Edge.Fleet.Store.Moving;
using Edge.Fleet.Tests.Support;
using Edge.Fleet.Web;
using Edge.Testing;
using Edge.Wire;
using Edge.Fleet.Store;

namespace Edge.Fleet.Tests.Health;

/// <summary>An embedded fleet's heartbeats, presence and rating keys (one migration, three copiers), moved into PostgreSQL, twice.</summary>
public sealed class HealthDataCopierTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private readonly TempFolder _data = new("health-copy");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Copied_data_reads_the_same_from_PostgreSQL_and_a_second_copy_adds_nothing()
    {
        var source = new FleetOptions { DataDir = _data.Path };
        var beats = Enumerable.Range(1, 12).Select(i => Beat(i % 2 == 0 ? "dev-a" : "dev-b", i * 30, Now.AddSeconds(i * 30))).ToList();
        using (var health = new LiteHealthStore(source.FileIn("health.db")))
        {
            await health.AppendAsync(beats, CancellationToken.None);
        }

        using (var presence = new LitePresenceStore(source.FileIn("presence.db")))
        {
            await presence.MarkOnlineAsync("dev-a", "s1", Now, CancellationToken.None);
            await presence.MarkOnlineAsync("dev-b", "s7", Now, CancellationToken.None);
            await presence.MarkOfflineAsync("dev-b", "s7", Now.AddMinutes(1), CancellationToken.None);
        }

        // A fleet that never started since the catalogue left rating-keys.json.
        File.WriteAllText(source.FileIn("rating-keys.json"), JsonSerializer.Serialize(
            new RatingKeysFile(["c1", "c2"], ["wait"], new Dictionary<string, string> { ["dev-a"] = "c2" }), RatingKeysJson.Default.RatingKeysFile));

        var (target, _) = await postgres.CreateMigratedDatabaseAsync();
        await using var _ = target;
        // Migration 20 holds all three; each feature copies its own tables.
        IEmbeddedDataCopier[] copiers = [new HealthDataCopier(), new PresenceDataCopier(), new RatingKeyDataCopier()];
        Assert.Equal([0L, 0, 0], await CountInTargetAsync(copiers, target));

        var first = new List<long>();
        foreach (var copier in copiers)
        {
            first.Add(await copier.CopyAsync(source, target, CancellationToken.None));
        }

        var counted = await CountInTargetAsync(copiers, target);
        long second = 0;
        foreach (var copier in copiers)
        {
            second += await copier.CopyAsync(source, target, CancellationToken.None);
        }

        // 12 heartbeats, 2 latest, 2 devices' presence, 2 counters, 1 field, 1 device counter.
        Assert.Equal([12L, 2, 2, 2, 1, 1], await CountRowsAsync(target, "health_history", "health_latest", "device_presence", "rating_counters", "rating_fields", "rating_device_counters"));
        Assert.Equal([12L + 2, 2, 4], counted);
        Assert.Equal([12L + 2, 2, 4], first);
        Assert.Equal(0, second);
        Assert.Equal(counted, await CountInTargetAsync(copiers, target));

        var healthStore = new PostgresHealthStore(target);
        var latest = (await healthStore.LatestAsync(CancellationToken.None)).ToDictionary(s => s.DeviceId);
        Assert.Equal((360L, 330L), (latest["dev-a"].Report.UptimeS, latest["dev-b"].Report.UptimeS));
        var history = await healthStore.HistoryAsync("dev-a", Now.AddHours(-1), Now.AddHours(1), 100, CancellationToken.None);
        Assert.Equal(beats.Where(b => b.DeviceId == "dev-a").Select(b => b.ReceivedAt).Reverse(), history.Select(h => h.ReceivedAt));

        var presenceRead = await new PostgresPresenceStore(target).ReadAllAsync(CancellationToken.None);
        Assert.Equal(new Presence(true, "s1", Now), presenceRead["dev-a"]);
        Assert.Equal(new Presence(false, "s7", Now.AddMinutes(1)), presenceRead["dev-b"]);

        var keys = await new PostgresRatingKeyStore(target).LoadAsync(CancellationToken.None);
        Assert.Equal(["c1", "c2"], keys.Counters);
        Assert.Equal(["wait"], keys.Fields);
        Assert.Equal("c2", keys.DeviceCounters["dev-a"]);
        Assert.False(File.Exists(source.FileIn("rating-keys.db")));
    }

    private static async Task<List<long>> CountInTargetAsync(IEmbeddedDataCopier[] copiers, Npgsql.NpgsqlDataSource target)
    {
        var counts = new List<long>();
        foreach (var copier in copiers)
        {
            counts.Add(await copier.CountInTargetAsync(target, CancellationToken.None));
        }

        return counts;
    }

    private static async Task<List<long>> CountRowsAsync(Npgsql.NpgsqlDataSource target, params string[] tables)
    {
        var counts = new List<long>();
        foreach (var table in tables)
        {
            await using var command = target.CreateCommand($"SELECT count(*) FROM {table}");
            counts.Add((long)(await command.ExecuteScalarAsync())!);
        }

        return counts;
    }

    private static HealthSample Beat(string device, long uptimeS, DateTimeOffset at) =>
        new(device, at, new HealthReport { At = at, UptimeS = uptimeS, UptimeMs = uptimeS * 1000, Run = "r1", ClockSynced = true });
}
