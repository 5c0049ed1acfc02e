using System.Diagnostics;
using Edge.Testing;

namespace Edge.Benchmarks.Soak;

/// <summary>
/// Issue 13, item 7: a fleet and its devices at <see cref="SoakOptions.RateX"/> times a busy centre's rate for a long
/// time, with a fault every <see cref="SoakOptions.FaultEvery"/> in rotation (fleet SIGKILL, broker restart, device
/// SIGKILL, fleet disk full). Then the load stops, everything drains, and the fleet's store is audited against what
/// every device knows it sent and had acknowledged. Prints the figures and returns 0 only when nothing was lost,
/// nothing doubled and everything drained (tests/Edge.EndToEnd.Tests/Soak runs a short slice and relies on that).
/// See README.md beside this file for the mix of devices and the flatness criteria.
/// </summary>
public static class SoakBenchmark
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(5);

    /// <summary>RSS is flat when the end is within this share above the start ...</summary>
    private const double RssGrowthAllowed = 0.25;

    /// <summary>... plus this much (the runtime's own warm-up at small sizes).</summary>
    private const long RssSlackKiB = 16 * 1024;

    /// <summary>The outbox rebuilds itself once empty and larger than this (device default Outbox:CompactAboveBytes).</summary>
    private const long OutboxSlackBytes = 4L << 20;

    public static async Task<int> RunAsync(FigureTable report, SoakOptions options)
    {
        using var folder = new TempFolder("bench-soak");
        await using var server = await SoakServer.StartAsync(folder, options);
        await using var devices = await SoakDevices.StartAsync(server, folder, options);
        var faults = new FaultInjector(server, devices, options);
        report.Note($"soak: {options.Devices} devices ({devices.Counters.Count} device host processes, {devices.Simulated.Devices.Count} load-generator devices), "
            + $"{options.RateX}x a busy centre ({SoakOptions.BusyCentreEventsPerDeviceHour} events per device per hour) = {options.EventsPerSecond:F1} events/s, "
            + $"{options.Duration.TotalMinutes:F1} min, a fault every {options.FaultEvery.TotalSeconds:F0} s ({string.Join(", ", options.Faults)}), "
            + $"broker {options.Broker}, fleet data on {(server.Disk.Unavailable is null ? $"a {options.DiskMiB} MiB tmpfs" : "the ordinary disk")}");

        var samples = new List<ResourceSample>();
        var run = Stopwatch.StartNew();
        devices.Generate(options);
        using var stopSampling = new CancellationTokenSource();
        var sampling = SampleAsync(server, devices, faults, samples, run, SampleInterval(options.Duration), stopSampling.Token);

        while (run.Elapsed + options.FaultEvery < options.Duration)
        {
            await Task.Delay(options.FaultEvery);
            await faults.InjectNextAsync(run.Elapsed, CancellationToken.None);
        }

        var left = options.Duration - run.Elapsed;
        await Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        var loaded = run.Elapsed;
        await devices.StopGeneratingAsync();
        await stopSampling.CancelAsync();
        await sampling;

        var drain = Stopwatch.StartNew();
        var drained = await DrainAsync(server, devices, faults, run);
        var drainTime = drain.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(5)); // an emptied outbox rebuilds itself (shrinks) soon after
        var end = ResourceSample.Take(run.Elapsed, server, devices);
        devices.WriteLedger();
        var audit = await SoakAudit.TakeAsync(server.Fleet, devices);

        Report(report, options, devices, faults, samples, end, audit, loaded, drained ? drainTime : null);
        return audit.Lost == 0 && audit.Doubled == 0 && drained && audit.NotDrained == 0 ? 0 : 1;
    }

    private static void Report(FigureTable report, SoakOptions options, SoakDevices devices, FaultInjector faults,
        List<ResourceSample> samples, ResourceSample end, SoakAudit audit, TimeSpan loaded, TimeSpan? drainTime)
    {
        var warm = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, options.Duration.Ticks / 10));
        var start = samples.FirstOrDefault(s => s.At >= warm) ?? samples.FirstOrDefault() ?? end;
        var middle = samples.MinBy(s => Math.Abs((s.At - options.Duration / 2).Ticks)) ?? end;

        report.Add("soak: duration under load", $"{loaded.TotalMinutes:F1} min", $"then drained in {(drainTime is { } d ? $"{d.TotalSeconds:F1} s" : $"not within {DrainTimeout.TotalMinutes:F0} min")}");
        report.Add("soak: events sent", $"{devices.Sent:N0}", $"{devices.Sent / loaded.TotalSeconds:F1} events/s; load generator {devices.Simulated.Numbered:N0}, presses {devices.Counters.Sum(c => c.Answered + c.Unanswered):N0} ({devices.Counters.Sum(c => c.Unanswered)} unanswered)");
        report.Add("soak: events acknowledged", $"{devices.Acknowledged:N0}", "acked by the fleet (load generator) or answered as stored (device host)");
        report.Add("soak: events stored", $"{audit.Stored:N0}", "ratings the fleet counts for these devices");
        report.Add("soak: events lost", $"{audit.Lost}", "acknowledged but not stored (must be 0)");
        report.Add("soak: events doubled", $"{audit.Doubled}", "counted more than once (must be 0)");
        report.Add("soak: events not drained", $"{audit.NotDrained}", "still in an outbox or unacked at the end");
        report.Add("soak: faults injected", string.Join(", ", faults.Injected.Where(f => options.Faults.Contains(f.Key)).Select(f => $"{f.Key} {f.Value}")),
            string.Join("; ", faults.Skipped.Select(s => $"{s.Key} skipped: {s.Value}")));
        report.Add("soak: crashes between faults", $"{faults.Crashes.Count}", string.Join("; ", faults.Crashes));
        report.Add("soak: fleet RSS start / middle / end", Triple(start.FleetRssKiB, middle.FleetRssKiB, end.FleetRssKiB, 1024, "MiB"),
            FlatRss(start.FleetRssKiB, end.FleetRssKiB) + $"; highest {samples.DefaultIfEmpty(end).Max(s => s.FleetRssKiB) / 1024} MiB; a fleet restart starts it again");
        report.Add("soak: device RSS start / middle / end", Triple(start.DeviceRssKiB, middle.DeviceRssKiB, end.DeviceRssKiB, 1024, "MiB"),
            FlatRss(start.DeviceRssKiB, end.DeviceRssKiB) + " (soak-host-1, never killed when there are others)");
        report.Add("soak: fleet data folder start / middle / end", Triple(start.FleetDataBytes, middle.FleetDataBytes, end.FleetDataBytes, 1 << 20, "MiB"),
            FlatData(middle, end) + $"; {end.FleetBytesPerEvent:F0} bytes per acknowledged event at the end");
        report.Add("soak: device outbox start / middle / end", Triple(start.OutboxBytes, middle.OutboxBytes, end.OutboxBytes, 1024, "KiB"),
            (end.OutboxBytes <= start.OutboxBytes + OutboxSlackBytes ? "flat" : "NOT flat") + " (end at most start + 4 MiB, the size above which an empty outbox rebuilds)");
        foreach (var sample in samples.Append(end))
        {
            report.Note("  sample " + sample);
        }

        foreach (var line in faults.Log)
        {
            report.Note("  fault " + line);
        }

        foreach (var finding in audit.Findings.Take(20))
        {
            report.Note("  FINDING " + finding);
        }
    }

    /// <summary>
    /// The store grows with its data, so "flat" is about bytes per acknowledged event: at the end at most 25% above the
    /// middle's, plus 8 MiB (LiteDB's log grows to about 8 MB before it is checkpointed, and a clean stop checkpoints it).
    /// </summary>
    private static string FlatData(ResourceSample middle, ResourceSample end)
    {
        var allowed = (1 + RssGrowthAllowed) * middle.FleetBytesPerEvent * end.Acknowledged + (8L << 20);
        return (end.FleetDataBytes <= allowed ? "flat" : "NOT flat")
            + $" (bytes per acknowledged event at the end at most 25% above the middle's {middle.FleetBytesPerEvent:F0}, + 8 MiB of LiteDB log)";
    }

    private static string Triple(long start, long middle, long end, long unit, string name) =>
        $"{start / (double)unit:F1} / {middle / (double)unit:F1} / {end / (double)unit:F1} {name}";

    private static string FlatRss(long startKiB, long endKiB) =>
        endKiB <= startKiB * (1 + RssGrowthAllowed) + RssSlackKiB ? "flat (end at most start + 25% + 16 MiB)" : "NOT flat (end above start + 25% + 16 MiB)";

    private static TimeSpan SampleInterval(TimeSpan duration) =>
        TimeSpan.FromTicks(Math.Clamp(duration.Ticks / 30, TimeSpan.FromSeconds(5).Ticks, TimeSpan.FromMinutes(1).Ticks));

    private static async Task SampleAsync(SoakServer server, SoakDevices devices, FaultInjector faults, List<ResourceSample> samples,
        Stopwatch run, TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await faults.ReviveAsync(run.Elapsed);
            var sample = ResourceSample.Take(run.Elapsed, server, devices);
            samples.Add(sample);
            devices.WriteLedger();
            Console.WriteLine("  sample " + sample);
            try
            {
                await Task.Delay(interval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<bool> DrainAsync(SoakServer server, SoakDevices devices, FaultInjector faults, Stopwatch run)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < DrainTimeout)
        {
            await faults.ReviveAsync(run.Elapsed);
            if (await SoakAudit.DrainedAsync(devices))
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Console.WriteLine($"  not drained within {DrainTimeout}: {devices.Simulated.Devices.Count(d => !d.IsDrained)} load-generator devices behind\n{server.Fleet.Output}");
        return false;
    }
}
