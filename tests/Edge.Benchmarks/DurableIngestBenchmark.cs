using Edge.LoadGen;
using Edge.Testing;

namespace Edge.Benchmarks;

/// <summary>
/// (a) Sustained ingest: 100 simulated devices that always have events to send (batches of 50, at most 200
/// unacknowledged each, each waiting for the application ack), for a fixed window after a warm-up. Counts events
/// acknowledged per second: stored durably and acked by the fleet, or only routed both ways by Mosquitto.
/// </summary>
public static class DurableIngestBenchmark
{
    private const int Devices = 100;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(FigureTable figures, RatioTable ratios)
    {
        using var folder = new TempFolder("bench-ingest");
        var mosquitto = await MeasureAsync(figures, IngestTarget.MosquittoEchoAsync);
        var embedded = await MeasureAsync(figures, () => IngestTarget.FleetEmbeddedAsync(folder));
        var postgres = await TryMeasureAsync(figures, folder, nodes: 1);
        var twoNodes = await TryMeasureAsync(figures, folder, nodes: 2);

        ratios.Add("(a) durable ingest, 100 devices", "fleet, embedded broker + LiteDB", embedded.EventsPerSecond,
            "Mosquitto routing, no storage", mosquitto.EventsPerSecond, "events/s", "higher");
        ratios.Add("(a) durable ingest, 100 devices", "fleet node on Mosquitto + PostgreSQL (fsync on)", postgres?.EventsPerSecond,
            "Mosquitto routing, no storage", mosquitto.EventsPerSecond, "events/s", "higher");
        ratios.Add("(a) durable ingest, 100 devices", "two fleet nodes on Mosquitto + PostgreSQL (fsync on)", twoNodes?.EventsPerSecond,
            "Mosquitto routing, no storage", mosquitto.EventsPerSecond, "events/s", "higher");
    }

    private static async Task<IngestRate?> TryMeasureAsync(FigureTable figures, TempFolder folder, int nodes)
    {
        try
        {
            return await MeasureAsync(figures, () => IngestTarget.FleetOnMosquittoAndPostgresAsync(folder, nodes));
        }
        catch (InvalidOperationException ex)
        {
            figures.Note($"{nodes} fleet node(s) on Mosquitto + PostgreSQL not measured: {ex.Message.Split('\n')[0]}");
            return null;
        }
    }

    private static async Task<IngestRate> MeasureAsync(FigureTable figures, Func<Task<IngestTarget>> start)
    {
        await using var target = await start();
        var options = new LoadOptions
        {
            Port = target.Port,
            Devices = Devices,
            IdPrefix = "ingest-",
            BatchMaxEvents = 50,
            MaxUnackedEvents = 200,
            ConnectConcurrency = 100,
        };
        await using var devices = new SimulatedDevices(options);
        await target.ProvisionAsync(devices, options);
        var connect = await devices.ConnectAllAsync(TimeSpan.FromSeconds(60));
        if (!connect.All)
        {
            throw new InvalidOperationException($"{target.Name}: only {connect.Connected} of {Devices} devices connected\n{target.Output()}");
        }

        // More than any of them can take in the window: every device always has a full window to send.
        devices.AddBacklog(1_000_000);
        await Task.Delay(WarmUp);
        devices.Latencies.TakeSorted();
        var ackedBefore = devices.Acked;
        var cpuBefore = target.CpuTime;
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(Window);
        var acked = devices.Acked - ackedBefore;
        var elapsed = started.Elapsed;
        var cpu = target.CpuTime - cpuBefore;
        var latencies = devices.Latencies.TakeSorted();
        var rate = new IngestRate(acked / elapsed.TotalSeconds, cpu / elapsed, AckLatencies.Percentile(latencies, 50), AckLatencies.Percentile(latencies, 99));
        figures.Add($"ingest: {target.Name}", $"{rate.EventsPerSecond:F0} events/s acked",
            $"server CPU {rate.ServerCores:F2} cores, batch-to-ack p50 {rate.AckP50Ms:F0} ms / p99 {rate.AckP99Ms:F0} ms, {devices.Devices.Sum(d => d.Resends)} resends{target.Remarks()}");
        return rate;
    }

    private sealed record IngestRate(double EventsPerSecond, double ServerCores, double AckP50Ms, double AckP99Ms);
}
