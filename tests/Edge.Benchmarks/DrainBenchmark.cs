using System.Diagnostics;
using Edge.Testing;

namespace Edge.Benchmarks;

/// <summary>
/// End-to-end drain rate: a device builds a backlog while the fleet is down, then the fleet starts and the
/// backlog is sent, stored durably and acknowledged; measured until the device's outbox is empty.
/// </summary>
/// <remarks>
/// Two targets (<see cref="DrainOptions"/>): the fleet as shipped (embedded broker, LiteDB, the device provisioned by
/// claim code), or the scaled deployment, a fleet node in external mode on Mosquitto and PostgreSQL (fsync on), where
/// Mosquitto takes the device without a secret as in report section (a). CPU is counted per process from the first ack.
/// </remarks>
public static class DrainBenchmark
{
    public static async Task RunAsync(FigureTable report, DrainOptions options)
    {
        var events = options.Events;
        using var folder = new TempFolder("bench-drain");
        await using var servers = new DrainServers(folder, options);
        using var device = new DeviceRunner("bench-1", folder["device"], servers.DeviceMqttPort);
        await device.StartAsync();

        var sw = Stopwatch.StartNew();
        using (var response = await device.Http.PostAsync($"/sim/flood?count={events}", null))
        {
            response.EnsureSuccessStatusCode();
        }

        report.Add("backlog build (durable, batches of 1,000)", $"{events / sw.Elapsed.TotalSeconds:F0} events/s");
        var full = (await device.StatusAsync()).GetProperty("outboxFileBytes").GetInt64();

        sw.Restart();
        await servers.StartAsync();
        var started = sw.Elapsed;
        TimeSpan? firstAck = null;
        var cpuAtFirstAck = new Dictionary<int, TimeSpan>();
        IReadOnlyList<(string Name, int Pid)> Processes() => [("device", device.ProcessId), .. servers.Processes()];
        await Eventually.TrueAsync(
            async () =>
            {
                var depth = (await device.StatusAsync()).GetProperty("outboxDepth").GetInt64();
                if (firstAck is null && depth < events)
                {
                    firstAck = sw.Elapsed - started;
                    foreach (var (_, pid) in Processes())
                    {
                        cpuAtFirstAck[pid] = ProcessFacts.CpuTime(pid);
                    }
                }

                return depth == 0;
            },
            TimeSpan.FromMinutes(10),
            "the backlog to drain");
        var drained = sw.Elapsed - started;
        var cpu = Processes()
            .GroupBy(p => p.Name)
            .Select(g => (Name: g.Key, Count: g.Count(), Cpu: g.Sum(p => (ProcessFacts.CpuTime(p.Pid) - cpuAtFirstAck.GetValueOrDefault(p.Pid)).TotalMilliseconds)))
            .ToList();
        report.Add($"drain rate ({events:N0} backlog, end to end acked, {servers.Name})", $"{events / drained.TotalSeconds:F0} events/s", $"{drained.TotalSeconds:F1} s after the fleet answered");
        var steady = drained - firstAck!.Value;
        report.Add("first ack (device provisioned, connected, backlog numbered)", $"{firstAck.Value.TotalSeconds:F1} s", "after the fleet answered");
        report.Add("drain rate from the first ack", $"{events / steady.TotalSeconds:F0} events/s", $"{steady.TotalSeconds:F1} s");
        report.Add($"CPU per 1,000 events drained: {string.Join(" / ", cpu.Select(c => c.Count > 1 ? $"{c.Name} ×{c.Count}" : c.Name))}",
            string.Join(" / ", cpu.Select(c => $"{c.Cpu * 1000 / events:F0} ms")),
            "user + system, from the first ack; the rate a core each would allow is 1,000 / the larger");
        await Task.Delay(2000);
        var after = (await device.StatusAsync()).GetProperty("outboxFileBytes").GetInt64();
        report.Add("outbox file full / drained", $"{full / 1024} KiB / {after / 1024} KiB", "rebuilt once empty");
    }
}
