using Edge.LoadGen;
using Edge.Testing;

namespace Edge.Benchmarks;

/// <summary>
/// (c) Reconnect storm: 10,000 simulated devices connect, then all drop at once (the broker publishes their wills),
/// each gathers a backlog while offline, and all reconnect at the same moment with no limit on concurrent attempts
/// (failed attempts back off with full jitter, 0.5 s doubling to 30 s, as the device host). Measures the time until
/// 99% are back, and until every backlog is acknowledged. The fleet runs as shipped, device authentication on: before
/// the measured part every device is registered (<see cref="RegistrySeed"/>, at one of the centres of
/// <see cref="DevicesPerCentre"/> devices; its time reported, not counted) and connects with its own secret.
/// <c>storm N open</c> measures the fleet with <c>Security:DeviceAuth=open</c> instead, for comparison.
/// </summary>
public static class ReconnectStormBenchmark
{
    private const int Devices = 10_000;
    private const int BacklogPerDevice = 5;

    /// <summary>A large centre's counters, kiosks and displays: the fleet's per-centre work (LAN peers) grows with it.</summary>
    private const int DevicesPerCentre = 20;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(75);

    public static async Task RunAsync(FigureTable figures, RatioTable ratios)
    {
        using var folder = new TempFolder("bench-storm");
        var mosquitto = await MeasureAsync(figures, _ => IngestTarget.MosquittoEchoAsync());
        var fleet = await MeasureAsync(figures, load => Seeded(folder, load));
        StormOutcome? twoNodes = null;
        try
        {
            twoNodes = await MeasureAsync(figures, _ => IngestTarget.FleetOnMosquittoAndPostgresAsync(folder, nodes: 2));
        }
        catch (InvalidOperationException ex)
        {
            figures.Note($"two fleet nodes on Mosquitto + PostgreSQL not measured: {ex.Message.Split('\n')[0]}");
        }

        var what = $"(c) reconnect storm, {Devices:N0} devices, {BacklogPerDevice} events backlog each";
        ratios.Add(what + ": 99% back", "fleet, embedded broker + LiteDB", (fleet.NinetyNinePercentBack ?? Timeout).TotalSeconds,
            "Mosquitto + echo acker", mosquitto.NinetyNinePercentBack?.TotalSeconds, "s", "lower", edgeIsAtLeast: fleet.NinetyNinePercentBack is null);
        ratios.Add(what + ": every backlog acked", "fleet, embedded broker + LiteDB (durable)", (fleet.Drained ?? Timeout).TotalSeconds,
            "Mosquitto + echo acker (routed only)", mosquitto.Drained?.TotalSeconds, "s", "lower", edgeIsAtLeast: fleet.Drained is null);
        ratios.Add(what + ": 99% back", "two fleet nodes on Mosquitto + PostgreSQL", (twoNodes?.NinetyNinePercentBack ?? Timeout).TotalSeconds,
            "Mosquitto + echo acker", mosquitto.NinetyNinePercentBack?.TotalSeconds, "s", "lower", edgeIsAtLeast: twoNodes?.NinetyNinePercentBack is null);
        ratios.Add(what + ": every backlog acked", "two fleet nodes on Mosquitto + PostgreSQL (durable)", (twoNodes?.Drained ?? Timeout).TotalSeconds,
            "Mosquitto + echo acker (routed only)", mosquitto.Drained?.TotalSeconds, "s", "lower", edgeIsAtLeast: twoNodes?.Drained is null);
    }

    /// <summary>
    /// The <c>storm [devices] [mosquitto|embedded|open|nodes2 ...]</c> verb: one or more of the report's storms, with fewer
    /// devices if asked, for a short before-and-after measurement of one change; <c>open</c> is the embedded fleet with
    /// <c>Security:DeviceAuth=open</c> (not in the report).
    /// </summary>
    public static async Task RunChosenAsync(FigureTable figures, string[] args)
    {
        var devices = args.Length > 0 && int.TryParse(args[0], out var n) ? n : Devices;
        var chosen = args.Where(a => !int.TryParse(a, out _)).ToHashSet(StringComparer.Ordinal);
        using var folder = new TempFolder("bench-storm");
        if (chosen.Count == 0 || chosen.Contains("mosquitto"))
        {
            await MeasureAsync(figures, _ => IngestTarget.MosquittoEchoAsync(), devices);
        }

        if (chosen.Count == 0 || chosen.Contains("embedded"))
        {
            await MeasureAsync(figures, load => Seeded(folder, load), devices);
        }

        if (chosen.Contains("open"))
        {
            await MeasureAsync(figures, _ => IngestTarget.FleetEmbeddedOpenAsync(folder), devices);
        }

        if (chosen.Count == 0 || chosen.Contains("nodes2"))
        {
            await MeasureAsync(figures, _ => IngestTarget.FleetOnMosquittoAndPostgresAsync(folder, nodes: 2), devices);
        }
    }

    private static async Task<StormOutcome> MeasureAsync(FigureTable figures, Func<LoadOptions, Task<IngestTarget>> start, int count = Devices)
    {
        var options = new LoadOptions
        {
            Mode = LoadModes.Storm,
            Devices = count,
            IdPrefix = "storm-",
            ConnectConcurrency = 200,
            // Not measured: with device authentication on, each first connection costs the fleet a PBKDF2 check.
            ConnectTimeout = TimeSpan.FromSeconds(300),
            Rate = 0,
            Duration = TimeSpan.Zero,
            StormBacklog = BacklogPerDevice,
            DrainTimeout = Timeout,
        };
        var setupTime = System.Diagnostics.Stopwatch.StartNew();
        await using var target = await start(options);
        options.Port = target.Port;
        var setup = options.Passwords.Count > 0
            ? $"device auth on, {count:N0} devices registered {DevicesPerCentre} per centre before the fleet started, {setupTime.Elapsed.TotalSeconds:F0} s with its start (not counted); "
            : "";

        // The devices in a process of their own; CPU is counted from the first connection's end to the storm's.
        using var load = LoadGenProcess.Start(options);
        if (!await load.WaitForPhaseAsync("connected", TimeSpan.FromSeconds(330)))
        {
            throw new InvalidOperationException($"{target.Name}: the load generator did not connect its devices\n{load.Output}\n{target.Output()}");
        }

        var servers = ProcessCpu.Start(target.ServerPids);
        var loadCpu = load.CpuTime;
        var span = System.Diagnostics.Stopwatch.StartNew();
        var result = await load.FinishAsync(Timeout + TimeSpan.FromSeconds(120));
        var serverShares = servers.Stop(target.ServerPids);
        var loadCores = (result.CpuSeconds - loadCpu.TotalSeconds) / span.Elapsed.TotalSeconds;
        if (result.Connected < count)
        {
            throw new InvalidOperationException($"{target.Name}: only {result.Connected} of {count} devices connected before the storm\n{load.Output}\n{target.Output()}");
        }

        var storm = new StormOutcome(count, BacklogPerDevice, Span(result.StormNinetyNinePercentBackSeconds), Span(result.StormAllBackSeconds),
            Span(result.StormDrainedSeconds), result.StormFailedAttempts ?? 0);
        figures.Add($"storm: {target.Name}",
            $"99% back {Seconds(storm.NinetyNinePercentBack)}, all back {Seconds(storm.AllBack)}, drained {Seconds(storm.Drained)}",
            setup + $"{storm.FailedAttempts} failed attempts; {result.Acked:N0} of {result.Numbered:N0} events acked; "
            + $"at the end {result.StillConnected:N0} connected, {result.DevicesDrained:N0} drained, "
            + $"{result.BatchesSent:N0} batches PUBACKed, {result.Resends:N0} resends; "
            + $"first connection took {result.ConnectSeconds:F1} s; CPU from the storm to the load generator's exit ({span.Elapsed.TotalSeconds:F0} s): "
            + $"server {serverShares}, load generator (own process) {loadCores:F2} cores{target.Remarks()}");
        if (Environment.GetEnvironmentVariable("EDGE_BENCH_OUTPUT") is { Length: > 0 } dump)
        {
            await File.WriteAllTextAsync(dump + "-" + target.Name.Split(' ')[0] + ".log", target.Output() + "\n" + load.Output);
        }

        return storm;
    }

    private static Task<IngestTarget> Seeded(TempFolder folder, LoadOptions load) =>
        IngestTarget.FleetEmbeddedSeededAsync(folder, load, i => $"storm-centre-{(i / DevicesPerCentre) + 1:D4}");

    private static TimeSpan? Span(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    private static string Seconds(TimeSpan? time) => time is { } t ? $"{t.TotalSeconds:F1} s" : $"not within {Timeout.TotalSeconds:F0} s";
}
