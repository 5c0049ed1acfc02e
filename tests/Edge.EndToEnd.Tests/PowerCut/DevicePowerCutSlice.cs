using Edge.Testing;
using Edge.Testing.PowerCut;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.PowerCut;

/// <summary>
/// A slice of the device's power cuts (<see cref="DevicePowerCuts"/>) and what it must show, for whichever host runs
/// it (as built, or the Native AOT program): no answered press lost or doubled, no damaged outbox at a start, and cuts
/// that really discarded un-fsynced writes, or the slice proved nothing about them.
/// </summary>
public static class DevicePowerCutSlice
{
    public static async Task RunAsync(string folder, int cuts, ITestOutputHelper output, DeviceProgram? program = null)
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var report = await DevicePowerCuts.RunAsync(folder, cuts, seed, output.WriteLine, program);
        output.WriteLine(report.ToString());

        Held(report);
    }

    /// <summary>
    /// What every power-cut run must show, device or fleet: nothing answered lost, doubled, or acknowledged and then
    /// missing, no damaged file at a start, presses answered, and cuts that really discarded un-fsynced writes (or the
    /// run proved nothing about them). A device run has no acked-then-missing and a fleet run no damaged outbox: 0 each.
    /// </summary>
    public static void Held(PowerCutReport report)
    {
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Doubled);
        Assert.Equal(0, report.AckedThenMissing);
        Assert.Equal(0, report.DamagedAtStart);
        Assert.True(report.Answered > 0, "presses were answered");
        Assert.True(report.CutsThatDiscarded > 0, "no cut discarded an un-fsynced write");
    }
}
