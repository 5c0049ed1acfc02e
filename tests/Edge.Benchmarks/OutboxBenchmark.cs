using System.Diagnostics;
using Edge.Device.Configuration;
using Edge.Device.Outbox;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Benchmarks;

/// <summary>
/// Press-to-durable latency of the device outbox (one rating at a time, as a citizen presses) beside the raw
/// fsync latency of the same disk, and fsyncs per stored event, single and under concurrent presses.
/// </summary>
public static class OutboxBenchmark
{
    private const int Presses = 500;

    public static async Task<OutboxFigures> RunAsync(FigureTable report)
    {
        using var folder = new TempFolder("bench-outbox");
        report.Note($"outbox benchmark in {folder.Path}");

        var fsync = RawFsyncLatencies(folder["raw.bin"], Presses);
        report.Add("raw fsync p50", $"{FigureTable.Percentile(fsync, 50):F2} ms", "write 128 B + fsync, same disk");
        report.Add("raw fsync p99", $"{FigureTable.Percentile(fsync, 99):F2} ms");

        using var outbox = new OutboxStore(
            Options.Create(new DeviceOptions { Id = "bench", DataDir = folder.Path }),
            Options.Create(new OutboxOptions()),
            NullLogger<OutboxStore>.Instance);
        await outbox.AppendAsync(Rating()); // warm-up

        // Latency without strace attached (it slows every syscall); fsyncs counted in a second, separate run.
        var latencies = new List<double>(Presses);
        for (var i = 0; i < Presses; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await outbox.AppendAsync(Rating());
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        latencies.Sort();
        var fsyncs = await SyscallCounter.CountFsyncsAsync(async () =>
        {
            for (var i = 0; i < Presses; i++)
            {
                await outbox.AppendAsync(Rating());
            }
        });
        report.Add("press-to-durable p50", $"{FigureTable.Percentile(latencies, 50):F2} ms", "outbox append incl. commit + checkpoint");
        report.Add("press-to-durable p99", $"{FigureTable.Percentile(latencies, 99):F2} ms");
        report.Add("fsyncs per event (one at a time)", fsyncs is { } f ? $"{(double)f / Presses:F2}" : "n/a (strace missing)");

        const int concurrent = 2000;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrent).Select(_ => outbox.AppendAsync(Rating())));
        report.Add("durable appends/s (2,000 concurrent presses)", $"{concurrent / sw.Elapsed.TotalSeconds:F0}", "group commit");
        var groupFsyncs = await SyscallCounter.CountFsyncsAsync(async () =>
            await Task.WhenAll(Enumerable.Range(0, concurrent).Select(_ => outbox.AppendAsync(Rating()))));
        report.Add("fsyncs per event (2,000 concurrent presses)", groupFsyncs is { } g ? $"{(double)g / concurrent:F3}" : "n/a", "group commit");
        report.Add("outbox bytes per event on disk", $"{(double)outbox.FileBytes() / (3 * Presses + 2 * concurrent + 1):F0} B", "file size / events, before any delete");
        return new OutboxFigures(
            FigureTable.Percentile(fsync, 50),
            FigureTable.Percentile(fsync, 99),
            FigureTable.Percentile(latencies, 50),
            FigureTable.Percentile(latencies, 99));
    }

    /// <summary>(d) Press-to-durable latency of the outbox beside the raw fsync latency of the same disk.</summary>
    public static async Task RunAsync(FigureTable figures, RatioTable ratios)
    {
        var outbox = await RunAsync(figures);
        ratios.Add("(d) press-to-durable p50", "device outbox append (commit + checkpoint)", outbox.PressP50Ms, "raw write + fsync, same disk", outbox.FsyncP50Ms, "ms", "lower");
        ratios.Add("(d) press-to-durable p99", "device outbox append (commit + checkpoint)", outbox.PressP99Ms, "raw write + fsync, same disk", outbox.FsyncP99Ms, "ms", "lower");
    }

    private static List<double> RawFsyncLatencies(string path, int count)
    {
        var data = new byte[128];
        var result = new List<double>(count);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            file.Write(data);
            file.Flush(flushToDisk: true);
            result.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        result.Sort();
        return result;
    }

    private static DeviceEvent Rating() =>
        new() { Seq = 0, Kind = EventKinds.Rating, At = DateTimeOffset.UtcNow, Counter = "1", Level = 4, Scale = 4 };
}

/// <summary>Latencies in milliseconds.</summary>
public sealed record OutboxFigures(double FsyncP50Ms, double FsyncP99Ms, double PressP50Ms, double PressP99Ms);
