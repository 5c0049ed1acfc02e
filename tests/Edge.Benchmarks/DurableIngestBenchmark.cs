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
        await StoreCeilingBenchmark.RunAsync(figures, events: 100_000);
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
            Mode = LoadModes.Saturate,
            Port = target.Port,
            Devices = Devices,
            IdPrefix = "ingest-",
            BatchMaxEvents = 50,
            MaxUnackedEvents = 200,
            ConnectConcurrency = 100,
            ConnectTimeout = TimeSpan.FromSeconds(60),
            WarmUp = WarmUp,
            Duration = Window,
        };
        await target.ProvisionAsync(options);

        // The devices in a process of their own: nothing they do is counted in this process or the servers'.
        using var load = LoadGenProcess.Start(options);
        if (!await load.WaitForPhaseAsync("window-start", TimeSpan.FromSeconds(90)))
        {
            throw new InvalidOperationException($"{target.Name}: the load generator did not start its window\n{load.Output}\n{target.Output()}");
        }

        var servers = ProcessCpu.Start(target.ServerPids);
        var loadCpu = ProcessCpu.Start([load.ProcessId]);
        await load.WaitForPhaseAsync("window-end", Window + TimeSpan.FromSeconds(30));
        var serverShares = servers.Stop(target.ServerPids);
        var loadShares = loadCpu.Stop([load.ProcessId]);
        var result = await load.FinishAsync(TimeSpan.FromSeconds(60));
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{target.Name}: only {result.Connected} of {Devices} devices connected, {result.Acked} events acked\n{load.Output}\n{target.Output()}");
        }

        var rate = new IngestRate(result.Acked / result.ElapsedSeconds, serverShares.Cores, result.AckP50Ms, result.AckP99Ms);
        figures.Add($"ingest: {target.Name}", $"{rate.EventsPerSecond:F0} events/s acked",
            $"CPU in the window: server {serverShares}, load generator (own process) {loadShares.Cores:F2} cores; "
            + $"batch-to-ack p50 {rate.AckP50Ms:F0} ms / p99 {rate.AckP99Ms:F0} ms, {result.Resends} resends{target.Remarks()}");
        return rate;
    }

    private sealed record IngestRate(double EventsPerSecond, double ServerCores, double AckP50Ms, double AckP99Ms);
}
