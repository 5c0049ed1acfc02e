using Edge.Testing;
using Edge.Testing.PowerCut;

namespace Edge.Benchmarks;

/// <summary>
/// The full power-cut runs of issue 13 (CI runs a slice: tests/Edge.EndToEnd.Tests/PowerCut): a device host whose data
/// folder loses every write not yet fsynced, cut during presses and during drain; then the fleet's store cut at random
/// moments. Prints the figures; exits non-zero when an answered press was lost or a press stored twice.
/// Usage: <c>powercut [--cuts 200] [--fleet-cuts 50] [--seed N]</c>.
/// </summary>
public static class PowerCutBenchmark
{
    public static async Task<int> RunAsync(FigureTable report, string[] args)
    {
        var cuts = Option(args, "--cuts", 200);
        var fleetCuts = Option(args, "--fleet-cuts", Math.Max(1, cuts / 4));
        var seed = Option(args, "--seed", Environment.TickCount);
        report.Note($"power cuts: {cuts} device cuts, {fleetCuts} fleet cuts, seed {seed}");

        using var folder = new TempFolder("bench-powercut");
        var device = await DevicePowerCuts.RunAsync(folder["device-run"], cuts, seed, Console.WriteLine);
        Add(report, device);
        var fleet = await FleetPowerCuts.RunAsync(folder["fleet-run"], fleetCuts, seed + 1, Console.WriteLine);
        Add(report, fleet);
        report.Print();
        return device.Lost + device.Doubled + fleet.Lost + fleet.Doubled + fleet.AckedThenMissing == 0 ? 0 : 1;
    }

    private static void Add(FigureTable report, PowerCutReport run)
    {
        report.Note(run.ToString());
        var name = run.Target == "device" ? "device cut" : "fleet cut";
        report.Add($"{name}: cuts", $"{run.Cuts}", run.Target == "device" ? $"{run.CutsDuringDrain} during drain, the rest with presses in flight" : "at random moments, a device publishing");
        report.Add($"{name}: cuts that discarded writes", $"{run.CutsThatDiscarded}", $"{run.BytesDiscarded:N0} bytes not yet fsynced, discarded");
        report.Add($"{name}: presses answered", $"{run.Answered:N0}", $"{run.Unanswered} in flight at a cut; {run.Stored:N0} stored at the fleet");
        report.Add($"{name}: lost", $"{run.Lost}", run.Target == "fleet" ? $"acked then missing after a restart: {run.AckedThenMissing}" : $"damaged outbox at a start: {run.DamagedAtStart}");
        report.Add($"{name}: doubled", $"{run.Doubled}", "");
        report.Add($"{name}: duration", $"{run.Duration.TotalMinutes:F1} min", $"{run.Duration.TotalSeconds / run.Cuts:F1} s per cut (restart included)");
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
    }
}
