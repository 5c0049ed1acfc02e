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
    private const int CounterRatePresses = 200;

    /// <summary>Presses (and raw fsyncs) before the measured ones: the first calls also pay for JIT compilation.</summary>
    private const int WarmUpPresses = 20;
    private static readonly TimeSpan CounterRatePause = TimeSpan.FromMilliseconds(20);

    public static async Task<OutboxFigures> RunAsync(FigureTable report)
    {
        using var folder = new TempFolder("bench-outbox");
        report.Note($"outbox benchmark in {folder.Path}");

        using var outbox = new OutboxStore(
            Options.Create(new DeviceOptions { Id = "bench", DataDir = folder.Path }),
            Options.Create(new OutboxOptions()),
            NullLogger<OutboxStore>.Instance);
        await outbox.AcknowledgeAsync(0); // the fleet's first ack: a new device, numbering final
        using var raw = new RawFsync(folder["raw.bin"]);
        for (var i = 0; i < WarmUpPresses; i++)
        {
            raw.WriteAndFsync();
            await outbox.AppendAsync(Rating());
        }

        // Latency without strace attached (it slows every syscall); fsyncs counted in a second, separate run.
        // One raw write + fsync, then one press, in turn: whatever else loads the shared disk meanwhile, both see it alike.
        var fsync = new List<double>(Presses);
        var latencies = new List<double>(Presses);
        for (var i = 0; i < Presses; i++)
        {
            var started = Stopwatch.GetTimestamp();
            raw.WriteAndFsync();
            fsync.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            await outbox.AppendAsync(Rating());
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        fsync.Sort();
        latencies.Sort();
        report.Add("raw fsync p50", $"{FigureTable.Percentile(fsync, 50):F2} ms", "write 128 B + fsync, same disk");
        report.Add("raw fsync p99", $"{FigureTable.Percentile(fsync, 99):F2} ms");
        var fsyncs = await SyscallCounter.CountFsyncsAsync(async () =>
        {
            for (var i = 0; i < Presses; i++)
            {
                await outbox.AppendAsync(Rating());
            }
        });
        report.Add("press-to-durable p50", $"{FigureTable.Percentile(latencies, 50):F2} ms", "outbox append: one journal group, one fdatasync");
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
        var perRating = await BytesWrittenPerRatingAsync(outbox, 3 * Presses + 2 * concurrent + 1);
        report.Add(
            "SD-card bytes written per stored rating (counter rate)",
            perRating is { } b ? $"{b:F0} B" : "n/a (/proc/self/io missing)",
            $"/proc/self/io write_bytes over {CounterRatePresses} presses {CounterRatePause.TotalMilliseconds:F0} ms apart, each acked (freed) before the next");

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
        ratios.Add("(d) press-to-durable p50", "device outbox append (journal record, fsynced)", outbox.PressP50Ms, "raw write + fsync, same disk", outbox.FsyncP50Ms, "ms", "lower");
        ratios.Add("(d) press-to-durable p99", "device outbox append (journal record, fsynced)", outbox.PressP99Ms, "raw write + fsync, same disk", outbox.FsyncP99Ms, "ms", "lower");
    }

    /// <summary>
    /// Bytes this process caused to be written to the disk per rating at a counter's pace: each press stored, then
    /// acknowledged by the fleet (the outbox frees it), before the next. The kernel counts a page when it is dirtied,
    /// so a page rewritten after each fsync counts every time, as it wears an SD card every time.
    /// </summary>
    private static async Task<double?> BytesWrittenPerRatingAsync(OutboxStore outbox, long stored)
    {
        await outbox.AcknowledgeAsync(stored); // the earlier runs' events freed (and the file compacted) first
        if (WriteBytes() is not { } before)
        {
            return null;
        }

        for (var i = 0; i < CounterRatePresses; i++)
        {
            var seq = await outbox.AppendAsync(Rating());
            await outbox.AcknowledgeAsync(seq);
            await Task.Delay(CounterRatePause);
        }

        return (WriteBytes() - before) / (double)CounterRatePresses;
    }

    /// <summary><c>write_bytes</c> of /proc/self/io: bytes this process caused to be sent to the storage layer.</summary>
    private static long? WriteBytes()
    {
        const string path = "/proc/self/io";
        if (!File.Exists(path))
        {
            return null;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("write_bytes:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line["write_bytes:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The baseline: 128 bytes appended to a plain file and fsynced, on the calling thread.</summary>
    private sealed class RawFsync(string path) : IDisposable
    {
        private readonly byte[] _data = new byte[128];
        private readonly FileStream _file = new(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);

        public void WriteAndFsync()
        {
            _file.Write(_data);
            _file.Flush(flushToDisk: true);
        }

        public void Dispose() => _file.Dispose();
    }

    private static DeviceEvent Rating() =>
        new() { Seq = 0, Kind = EventKinds.Rating, At = DateTimeOffset.UtcNow, Counter = "1", Level = 4, Scale = 4 };
}

/// <summary>Latencies in milliseconds.</summary>
public sealed record OutboxFigures(double FsyncP50Ms, double FsyncP99Ms, double PressP50Ms, double PressP99Ms);
