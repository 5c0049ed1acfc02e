using System.Diagnostics;
using Edge.Testing;

namespace Edge.Benchmarks;

/// <summary>
/// End-to-end drain rate: a device builds a backlog while the fleet is down, then the fleet starts and the
/// backlog is sent, stored durably and acknowledged; measured until the device's outbox is empty.
/// </summary>
public static class DrainBenchmark
{
    public static async Task RunAsync(FigureTable report, int events)
    {
        using var folder = new TempFolder("bench-drain");
        using var fleet = new FleetRunner(folder["fleet"]);
        using var device = new DeviceRunner("bench-1", folder["device"], fleet.MqttPort);
        await device.StartAsync();

        var sw = Stopwatch.StartNew();
        using (var response = await device.Http.PostAsync($"/sim/flood?count={events}", null))
        {
            response.EnsureSuccessStatusCode();
        }

        report.Add("backlog build (durable, batches of 1,000)", $"{events / sw.Elapsed.TotalSeconds:F0} events/s");
        var full = (await device.StatusAsync()).GetProperty("outboxFileBytes").GetInt64();

        sw.Restart();
        await fleet.StartAsync();
        var started = sw.Elapsed;
        TimeSpan? firstAck = null;
        var fleetCpu = TimeSpan.Zero;
        var deviceCpu = TimeSpan.Zero;
        await Eventually.TrueAsync(
            async () =>
            {
                var depth = (await device.StatusAsync()).GetProperty("outboxDepth").GetInt64();
                if (firstAck is null && depth < events)
                {
                    firstAck = sw.Elapsed - started;
                    (fleetCpu, deviceCpu) = (ProcessFacts.CpuTime(fleet.Process.Id), ProcessFacts.CpuTime(device.ProcessId));
                }

                return depth == 0;
            },
            TimeSpan.FromMinutes(10),
            "the backlog to drain");
        var drained = sw.Elapsed - started;
        fleetCpu = ProcessFacts.CpuTime(fleet.Process.Id) - fleetCpu;
        deviceCpu = ProcessFacts.CpuTime(device.ProcessId) - deviceCpu;
        report.Add($"drain rate ({events:N0} backlog, end to end acked)", $"{events / drained.TotalSeconds:F0} events/s", $"{drained.TotalSeconds:F1} s after the fleet answered");
        var steady = drained - firstAck!.Value;
        report.Add("first ack (device provisioned, connected, backlog numbered)", $"{firstAck.Value.TotalSeconds:F1} s", "after the fleet answered");
        report.Add("drain rate from the first ack", $"{events / steady.TotalSeconds:F0} events/s", $"{steady.TotalSeconds:F1} s");
        report.Add("CPU per 1,000 events drained: fleet / device", $"{fleetCpu.TotalMilliseconds * 1000 / events:F0} ms / {deviceCpu.TotalMilliseconds * 1000 / events:F0} ms",
            "user + system, from the first ack; the rate a core each would allow is 1,000 / the larger");
        await Task.Delay(2000);
        var after = (await device.StatusAsync()).GetProperty("outboxFileBytes").GetInt64();
        report.Add("outbox file full / drained", $"{full / 1024} KiB / {after / 1024} KiB", "rebuilt once empty");
    }
}
