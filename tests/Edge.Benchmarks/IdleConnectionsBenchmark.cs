using System.Globalization;
using Edge.LoadGen;
using Edge.Testing;

namespace Edge.Benchmarks;

/// <summary>
/// (b) Idle connections: 15,000 simulated devices connect (each announces itself online and subscribes to its ack,
/// then sends nothing but keep-alives) and stay; counts how many the server holds and how much its resident memory
/// grew per 1,000 connections. All clients live in the load generator's process (not this one), from one source address: 15,000 connections fit
/// in one ephemeral port range (see the machine facts); past ~28,000 the load generator's SourceAddresses spreads
/// them over 127.0.0.x.
/// </summary>
public static class IdleConnectionsBenchmark
{
    public const int Connections = 15_000;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static async Task RunAsync(FigureTable figures, RatioTable ratios)
    {
        using var folder = new TempFolder("bench-idle");
        var mosquitto = await MeasureAsync(figures, IngestTarget.MosquittoAsync);
        var fleet = await MeasureAsync(figures, () => IngestTarget.FleetEmbeddedOpenAsync(folder));
        ratios.Add("(b) idle connections held (target 15,000)", "fleet, embedded broker", fleet.Held, "Mosquitto", mosquitto.Held, "connections", "higher");
        ratios.Add("(b) server memory per 1,000 idle connections", "fleet, embedded broker", fleet.MiBPer1000, "Mosquitto", mosquitto.MiBPer1000, "MiB", "lower");
    }

    /// <summary>
    /// The <c>idle [connections] [mosquitto|embedded] [hold=seconds]</c> verb: section (b) alone, for a short
    /// before-and-after run. <c>hold</c> keeps the connections that long after the measurement, the server's process id
    /// on stderr, so that a profiler (dotnet-gcdump, dotnet-counters) can look at where the memory went.
    /// </summary>
    public static async Task RunChosenAsync(FigureTable figures, string[] args)
    {
        var connections = args.Length > 0 && int.TryParse(args[0], out var n) ? n : Connections;
        var hold = TimeSpan.FromSeconds(args.Where(a => a.StartsWith("hold=", StringComparison.Ordinal)).Select(a => int.Parse(a[5..], CultureInfo.InvariantCulture)).LastOrDefault());
        var chosen = args.Where(a => !int.TryParse(a, out _) && !a.StartsWith("hold=", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        using var folder = new TempFolder("bench-idle");
        if (chosen.Count == 0 || chosen.Contains("mosquitto"))
        {
            await MeasureAsync(figures, IngestTarget.MosquittoAsync, connections, hold);
        }

        if (chosen.Count == 0 || chosen.Contains("embedded"))
        {
            await MeasureAsync(figures, () => IngestTarget.FleetEmbeddedOpenAsync(folder), connections, hold);
        }
    }

    private static async Task<IdleFigures> MeasureAsync(FigureTable figures, Func<Task<IngestTarget>> start, int connections = Connections, TimeSpan hold = default)
    {
        await using var target = await start();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var before = target.RssKiB;
        var anonBefore = target.RssAnonKiB;
        var limit = ProcessFacts.OpenFileLimit(target.ServerPids[0]);
        var options = new LoadOptions
        {
            Mode = LoadModes.Idle,
            Port = target.Port,
            Devices = connections,
            IdPrefix = "idle-",
            ConnectConcurrency = 200,
            ConnectTimeout = TimeSpan.FromSeconds(75),
            Duration = Settle + Settle + hold,
        };

        // The clients in a process of their own; they hold their connections for the Duration after the connect phase.
        using var load = LoadGenProcess.Start(options);
        var servers = ProcessCpu.Start(target.ServerPids);
        if (!await load.WaitForPhaseAsync("connected", TimeSpan.FromSeconds(120)))
        {
            throw new InvalidOperationException($"{target.Name}: the load generator did not finish connecting\n{load.Output}\n{target.Output()}");
        }

        await Task.Delay(Settle);
        var after = target.RssKiB;
        var anonAfter = target.RssAnonKiB;
        var serverShares = servers.Stop(target.ServerPids);
        if (hold > TimeSpan.Zero)
        {
            await Console.Error.WriteLineAsync($"idle: {target.Name} holds its connections (for a profiler) for {hold.TotalSeconds:F0} s more, server process {string.Join(", ", target.ServerPids)}");
            await Task.Delay(hold);
        }

        var result = await load.FinishAsync(TimeSpan.FromSeconds(120));
        var held = result.StillConnected;
        var perThousand = held == 0 ? double.NaN : (after - before) / 1024.0 / (held / 1000.0);
        figures.Add($"idle: {target.Name}", $"{held:N0} of {connections:N0} held",
            $"first half connected in {result.HalfConnectedSeconds:F1} s, {(result.Connected == connections ? "all" : $"{result.Connected:N0}")} in {result.ConnectSeconds:F1} s ({result.FailedAttempts} failed attempts); "
            + $"server RSS {before / 1024} → {after / 1024} MiB = {perThousand:F2} MiB per 1,000 ({perThousand * 1024 / 1000:F1} KiB each; anonymous {anonBefore / 1024} → {anonAfter / 1024} MiB); server open files {limit}; "
            + $"CPU from start to settled: server {serverShares}; load generator (own process) {result.CpuSeconds:F1} CPU s in all, peak RSS {result.PeakRssKiB / 1024} MiB");
        return new IdleFigures(held, perThousand);
    }

    private sealed record IdleFigures(int Held, double MiBPer1000);
}
