using System.Diagnostics;
using Edge.Fleet.Store.Lite;
using Edge.Storage;
using Edge.Testing;
using Edge.Wire;
using LiteDB;

namespace Edge.Benchmarks;

/// <summary>
/// How fast the embedded store can go on this machine with no broker, no network and no JSON in front of it: one
/// thread appending ratings in groups the size of a group-commit turn, each group made durable as the fleet makes it.
/// Two figures: the fleet's own <see cref="LiteEventStore"/> (its documents and indexes, called as the ingest calls
/// it), and LiteDB alone with the least a store could write (one document per event, primary key only). The second
/// is the ceiling of the engine: no document shape of ours can make the embedded store faster than that.
/// </summary>
public static class StoreCeilingBenchmark
{
    private const int Devices = 100;
    private const int EventsPerDevicePerTurn = 50;

    public static async Task RunAsync(FigureTable figures, int events)
    {
        using var folder = new TempFolder("bench-store-ceiling");
        var turns = Math.Max(1, events / (Devices * EventsPerDevicePerTurn));
        var total = turns * Devices * EventsPerDevicePerTurn;

        var store = await MeasureAsync(async () =>
        {
            using var lite = new LiteEventStore(folder["fleet-store.db"]);
            var receivedAt = DateTimeOffset.UtcNow;
            for (var turn = 0; turn < turns; turn++)
            {
                await lite.AppendAsync(Turn(turn), receivedAt, CancellationToken.None);
            }
        });
        Add(figures, "the fleet's LiteDB event store alone", store, total,
            $"{Devices} devices × {EventsPerDevicePerTurn} ratings per durable append (one group-commit turn), one thread, in process");

        var bare = await MeasureAsync(() =>
        {
            using var db = LiteFile.Open(folder["bare.db"], "events");
            var collection = db.GetCollection("events");
            for (var turn = 0; turn < turns; turn++)
            {
                var batches = Turn(turn);
                LiteFile.CommitDurably(db, () => collection.InsertBulk(batches.SelectMany(b => b.Events.Select(e => Document(b.DeviceId, e)))));
            }

            return Task.CompletedTask;
        });
        Add(figures, "LiteDB alone, one document per event, primary key only", bare, total,
            "the same turns, the same durable commit (commit + checkpoint on Edge's ordered streams): the engine's ceiling");

        // The same file as versions before the fold kept it, opened by the store: what a fleet upgraded in place pays once.
        Unfold(folder["fleet-store.db"]);
        var fold = await MeasureAsync(async () =>
        {
            using var lite = new LiteEventStore(folder["fleet-store.db"]);
            await lite.GetAckedUpToAsync("ceiling-001", CancellationToken.None);
        });
        figures.Add("store ceiling: opening a file made before the fold", $"{fold.Wall.TotalSeconds:F1} s",
            $"{total:N0} ratings moved from their own collection into their events, {fold.Cpu.TotalSeconds:F1} s of CPU (LiteRatingsFold)");
    }

    /// <summary>
    /// Gives the store's file the layout of versions before the fold: each rating's statistics fields moved out of its
    /// event into a document of its own in <c>ratings</c>, indexed by time, counter and device.
    /// </summary>
    private static void Unfold(string path)
    {
        using var db = LiteFile.Open(path, "events", "ratings");
        var events = db.GetCollection("events");
        var ratings = db.GetCollection("ratings");
        ratings.EnsureIndex("at");
        ratings.EnsureIndex("counter");
        ratings.EnsureIndex("device");
        events.DropIndex("ratedAt");
        foreach (var page in events.Query().Select("$._id").ToEnumerable().Select(d => d["_id"]).ToList().Chunk(5_000))
        {
            LiteFile.CommitDurably(db, () =>
            {
                foreach (var e in page.Select(events.FindById))
                {
                    ratings.Insert(new BsonDocument
                    {
                        ["_id"] = e["_id"], ["device"] = e["device"], ["seq"] = e["seq"], ["level"] = e["level"], ["scale"] = e["scale"],
                        ["satisfied"] = e["satisfied"], ["suspect"] = false, ["at"] = e["ratedAt"], ["uptimeMs"] = e["uptimeMs"],
                        ["clock"] = e["clock"], ["counter"] = e["counter"], ["run"] = e["run"],
                    });
                    foreach (var folded in new[] { "ratedAt", "satisfied", "clock", "run" })
                    {
                        e.Remove(folded);
                    }

                    events.Update(e);
                }

                return page.Length;
            });
        }
    }

    private static void Add(FigureTable figures, string name, (TimeSpan Wall, TimeSpan Cpu) measured, int events, string note) =>
        figures.Add($"store ceiling: {name}", $"{events / measured.Wall.TotalSeconds:N0} events/s",
            $"{measured.Cpu.TotalMilliseconds * 1000 / events:F0} µs of CPU per event ({events:N0} events); {note}");

    private static async Task<(TimeSpan Wall, TimeSpan Cpu)> MeasureAsync(Func<Task> run)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        await run();
        sw.Stop();
        return (sw.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    /// <summary>One turn: <see cref="EventsPerDevicePerTurn"/> new ratings from each device, seqs following the last turn's.</summary>
    private static List<EventBatch> Turn(int turn)
    {
        var at = DateTimeOffset.UtcNow;
        return Enumerable.Range(1, Devices).Select(d => new EventBatch(
            $"ceiling-{d:D3}",
            Enumerable.Range(1, EventsPerDevicePerTurn).Select(i =>
            {
                var seq = (long)turn * EventsPerDevicePerTurn + i;
                return new DeviceEvent
                {
                    Seq = seq,
                    Kind = EventKinds.Rating,
                    At = at,
                    UptimeMs = seq * 1000,
                    Run = "run-1",
                    Counter = $"Q{d % 20 + 1}",
                    Level = (int)(seq % 4) + 1,
                    Scale = 4,
                };
            }).ToList())).ToList();
    }

    private static BsonDocument Document(string device, DeviceEvent e) => new()
    {
        ["_id"] = $"{device}/{e.Seq:D19}",
        ["kind"] = e.Kind,
        ["at"] = e.At.UtcDateTime,
        ["uptimeMs"] = e.UptimeMs,
        ["counter"] = e.Counter,
        ["level"] = e.Level ?? 0,
    };
}
