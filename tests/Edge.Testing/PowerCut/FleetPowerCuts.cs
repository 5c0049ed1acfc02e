using System.Diagnostics;

namespace Edge.Testing.PowerCut;

/// <summary>
/// Power cuts of the fleet: a real fleet process keeps its LiteDB store (events, registry, everything in its data
/// folder) on a <see cref="LazyDisk"/> and is SIGKILLed, then cut, at random moments while a real device (ordinary
/// disk, authenticated) is pressed without pause and publishes. After each restart the fleet must still hold every
/// event it acknowledged before the cut (the device has freed those); at the end every answered press is stored once.
/// </summary>
public static class FleetPowerCuts
{
    public static async Task<PowerCutReport> RunAsync(string folder, int cuts, int seed, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(seed);
        var disk = await LazyDisk.CreateAsync(Path.Combine(folder, "fleet"));
        using var fleet = new FleetRunner(disk.Folder) { Environment = disk.Environment };
        await fleet.StartAsync();
        using var device = new DeviceRunner("counter-fleetcut", Path.Combine(folder, "device"), fleet.MqttPort,
            $"--Device:Counter={FleetTally.Counter}", "--Uplink:BatchMaxEvents=20", "--Health:IntervalSeconds=2");
        await device.StartAsync();
        var presses = new PressLoop(random);
        presses.Start(device, pressers: 2);
        var discarded = 0;
        long bytes = 0, ackedThenMissing = 0;
        try
        {
            for (var cut = 1; cut <= cuts; cut++)
            {
                await Task.Delay(random.Next(300, 3000));
                fleet.Kill();
                // What the device freed was acknowledged by the fleet after a durable commit: it must survive the cut.
                var freed = (await device.StatusAsync()).GetProperty("lastAckedSeq").GetInt64();
                var result = await disk.CutAsync();
                discarded += result.Bytes > 0 ? 1 : 0;
                bytes += result.Bytes;
                await fleet.StartAsync();
                var upTo = (await fleet.DeviceAsync(device.Id))?.GetProperty("upTo").GetInt64() ?? 0;
                ackedThenMissing += Math.Max(0, freed - upTo);
                log($"cut {cut}/{cuts}: discarded {result.Bytes} bytes ({string.Join(", ", result.BytesByFile.Select(f => $"{f.Key} {f.Value}"))}); device freed up to {freed}, fleet holds up to {upTo}; answered {presses.AnsweredTotal}");
            }

            await presses.StopAsync();
            var (stored, lost, doubled) = await FleetTally.AfterDrainAsync(fleet, device, presses);
            return new PowerCutReport("fleet", cuts, 0, discarded, bytes, presses.AnsweredTotal, presses.UnansweredTotal,
                stored, lost, doubled, ackedThenMissing, DamagedAtStart: 0, clock.Elapsed);
        }
        catch
        {
            log(fleet.Output);
            log(device.Output);
            throw;
        }
        finally
        {
            await presses.StopAsync();
        }
    }
}
