using System.Diagnostics;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using Edge.Testing;
using Edge.Wire;

namespace Edge.Benchmarks;

/// <summary>
/// What placing ratings in time costs the fleet's LiteDB store (fleet/Clock): appending ratings from an unsynchronised
/// clock (each also gets a pending row) against synchronised ones, the placement every heartbeat of a run asks for when
/// there is nothing to move, and the placement of a whole run's backlog, estimated and then exact.
/// </summary>
public static class ClockBenchmark
{
    private const int Batch = 100;
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static async Task RunAsync(FigureTable report, int ratings)
    {
        using var folder = new TempFolder("bench-clock");
        report.Note($"clock benchmark in {folder.Path}: {ratings:N0} ratings, batches of {Batch}");

        await AppendRateAsync(folder["warm-up.db"], 2_000, unsynced: true);
        var synced = await AppendRateAsync(folder["synced.db"], ratings, unsynced: false);
        var unsynced = await AppendRateAsync(folder["unsynced.db"], ratings, unsynced: true);
        report.Add("store append, synchronised clock", $"{synced:F0} ratings/s", "LiteDB store, durable commit per batch");
        report.Add("store append, unsynchronised clock", $"{unsynced:F0} ratings/s", $"{unsynced / synced:F2}× (pending row per rating)");

        using var store = new LiteEventStore(folder["unsynced.db"]);
        const int lookups = 2_000;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < lookups; i++)
        {
            await store.PlaceInTimeAsync(new ClockAnchor("dev-1", $"idle-{i}", Now, 0, Exact: i % 2 == 0), CancellationToken.None);
        }

        var perLookup = Stopwatch.GetElapsedTime(started).TotalMicroseconds / lookups;
        report.Add("placement with nothing to move", $"{perLookup:F1} µs", "every heartbeat of an unsynchronised run");

        started = Stopwatch.GetTimestamp();
        var estimated = await store.PlaceInTimeAsync(new ClockAnchor("dev-1", "r1", Now, ratings * 1_000L, Exact: false), CancellationToken.None);
        var estimatedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        started = Stopwatch.GetTimestamp();
        var exact = await store.PlaceInTimeAsync(new ClockAnchor("dev-1", "r1", Now, ratings * 1_000L, Exact: true), CancellationToken.None);
        var exactMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        report.Add("placing a run's backlog, estimated", $"{estimated / (estimatedMs / 1000):F0} ratings/s", $"{estimated:N0} in {estimatedMs:F0} ms, one durable commit");
        report.Add("placing a run's backlog, exact", $"{exact / (exactMs / 1000):F0} ratings/s", $"{exact:N0} in {exactMs:F0} ms");
    }

    private static async Task<double> AppendRateAsync(string path, int ratings, bool unsynced)
    {
        using var store = new LiteEventStore(path);
        var started = Stopwatch.GetTimestamp();
        for (var first = 1; first <= ratings; first += Batch)
        {
            var events = Enumerable.Range(first, Math.Min(Batch, ratings - first + 1)).Select(seq => new DeviceEvent
            {
                Seq = seq,
                Kind = EventKinds.Rating,
                At = Now,
                UptimeMs = seq * 1_000L,
                Run = "r1",
                ClockSynced = unsynced ? false : true,
                Counter = "1",
                Level = 1 + (seq % 4),
                Scale = 4,
            }).ToList();
            await store.AppendAsync([new EventBatch("dev-1", events)], Now, CancellationToken.None);
        }

        return ratings / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
