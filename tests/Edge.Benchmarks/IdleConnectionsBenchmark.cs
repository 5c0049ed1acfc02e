using System.Diagnostics;
using System.Globalization;
using Edge.LoadGen;
using Edge.Testing;

namespace Edge.Benchmarks;

/// <summary>
/// (b) Idle connections: 15,000 simulated devices connect (each announces itself online and subscribes to its ack,
/// then sends nothing but keep-alives) and stay; counts how many the server holds and how much its resident memory
/// grew per 1,000 connections. All clients live in this process, from one source address: 15,000 connections fit
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
        var target = await start();
        var devices = new SimulatedDevices(new LoadOptions
        {
            Port = target.Port,
            Devices = connections,
            IdPrefix = "idle-",
            ConnectConcurrency = 200,
        });
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var before = target.RssKiB;
            var anonBefore = target.RssAnonKiB;
            var limit = ProcessFacts.OpenFileLimit(target.ServerPids[0]);
            var sw = Stopwatch.StartNew();
            var connect = await devices.ConnectAllAsync(TimeSpan.FromSeconds(75));
            await Task.Delay(Settle);
            var held = devices.Connected;
            var after = target.RssKiB;
            var anonAfter = target.RssAnonKiB;
            var perThousand = held == 0 ? double.NaN : (after - before) / 1024.0 / (held / 1000.0);
            figures.Add($"idle: {target.Name}", $"{held:N0} of {connections:N0} held",
                $"first half connected in {connect.HalfConnected?.TotalSeconds:F1} s, {(connect.All ? "all" : $"{connect.Connected:N0}")} in {connect.Elapsed.TotalSeconds:F1} s ({connect.FailedAttempts} failed attempts); server RSS {before / 1024} → {after / 1024} MiB = {perThousand:F2} MiB per 1,000 ({perThousand * 1024 / 1000:F1} KiB each; anonymous {anonBefore / 1024} → {anonAfter / 1024} MiB); server open files {limit}");
            if (hold > TimeSpan.Zero)
            {
                await Console.Error.WriteLineAsync($"idle: {target.Name} holds {held:N0} connections for {hold.TotalSeconds:F0} s, server process {string.Join(", ", target.ServerPids)}");
                await Task.Delay(hold);
            }

            return new IdleFigures(held, perThousand);
        }
        finally
        {
            // Server first: the clients then find their connections closed and need not say goodbye one by one.
            await target.DisposeAsync();
            await devices.DisposeAsync();
        }
    }

    private sealed record IdleFigures(int Held, double MiBPer1000);
}
