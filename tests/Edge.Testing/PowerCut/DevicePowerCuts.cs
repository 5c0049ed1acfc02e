using System.Diagnostics;
using System.Text.Json;

namespace Edge.Testing.PowerCut;

/// <summary>
/// Power cuts of a counter device: a real device host process (simulated GPIO, provisioned by claim code, device
/// authentication on) keeps its data folder on a <see cref="LazyDisk"/> and is SIGKILLed, then cut, while presses are
/// answered and while its outbox drains to a real fleet (on an ordinary disk); it starts again on what survived. At
/// the end every answered press must be stored at the fleet, none more often than it was pressed.
/// </summary>
public static class DevicePowerCuts
{
    /// <param name="program">The device host program (the built dll unless given; a Native AOT one in tests/Edge.EndToEnd.Tests/NativeHost).</param>
    public static async Task<PowerCutReport> RunAsync(string folder, int cuts, int seed, Action<string> log, DeviceProgram? program = null)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(seed);
        var disk = await LazyDisk.CreateAsync(Path.Combine(folder, "device"));
        using var fleet = new FleetRunner(Path.Combine(folder, "fleet"));
        await fleet.StartAsync();

        // Small batches and window: a backlog takes many acks (each a durable delete in the outbox) to drain.
        using var device = new DeviceRunner("counter-powercut", disk.Folder, fleet.MqttPort,
            $"--Device:Counter={FleetTally.Counter}", "--Uplink:BatchMaxEvents=5", "--Uplink:MaxUnackedEvents=10", "--Health:IntervalSeconds=2")
        {
            Environment = disk.Environment,
            Program = program ?? DeviceProgram.Default,
        };
        var presses = new PressLoop(random);
        int duringDrain = 0, discarded = 0, damaged = 0;
        long bytes = 0;
        try
        {
            for (var cut = 1; cut <= cuts; cut++)
            {
                await device.StartAsync();
                damaged += IsDamaged(await device.StatusAsync()) ? 1 : 0;
                var drain = random.Next(2) == 0;
                if (drain)
                {
                    // A backlog answered as durable at once, then a cut while the device drains it in small batches.
                    // Larger than the outbox journal holds (1,000 events), so the backlog moves into LiteDB and the
                    // drain's acks delete from it there: writes a cut can catch before their fsync (a press alone is
                    // fsynced as soon as it is written, which leaves a cut little to discard).
                    await presses.FloodAsync(device, 4 * random.Next(300, 500));
                    await Task.Delay(random.Next(0, 400));
                    duringDrain += (await device.StatusAsync()).GetProperty("outboxDepth").GetInt64() > 0 ? 1 : 0;
                    device.Kill();
                }
                else
                {
                    // Presses answered one by one on two buttons at once (group commits), cut with presses in flight.
                    presses.Start(device, pressers: 2);
                    await Task.Delay(random.Next(200, 1500));
                    presses.StopStarting();
                    device.Kill();
                    await presses.StopAsync();
                }

                var result = await disk.CutAsync();
                discarded += result.Bytes > 0 ? 1 : 0;
                bytes += result.Bytes;
                log($"cut {cut}/{cuts} ({(drain ? "drain" : "presses")}): discarded {result.Bytes} bytes ({string.Join(", ", result.BytesByFile.Select(f => $"{f.Key} {f.Value}"))}); answered {presses.AnsweredTotal}, in flight {presses.UnansweredTotal}");
            }

            await device.StartAsync();
            damaged += IsDamaged(await device.StatusAsync()) ? 1 : 0;
            var (stored, lost, doubled) = await FleetTally.AfterDrainAsync(fleet, device, presses);
            return new PowerCutReport("device", cuts, duringDrain, discarded, bytes, presses.AnsweredTotal, presses.UnansweredTotal,
                stored, lost, doubled, AckedThenMissing: 0, damaged, clock.Elapsed);
        }
        catch
        {
            log(fleet.Output);
            log(device.Output);
            throw;
        }
    }

    /// <summary>Whether the outbox found its file damaged at start (quarantined and salvaged).</summary>
    internal static bool IsDamaged(JsonElement status) =>
        status.TryGetProperty("faults", out var faults) && faults.ValueKind == JsonValueKind.Object && faults.TryGetProperty("storage-corrupt", out _);
}
