using Edge.Testing;
using Edge.Testing.PowerCut;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.PowerCut;

/// <summary>
/// The CI slice of the power-cut runs (the full 200 cuts: <c>tests/Edge.Benchmarks -- powercut</c>): real device and
/// fleet processes whose data folders lose every write not yet fsynced at each cut (<see cref="LazyDisk"/>).
/// </summary>
public sealed class PowerCutTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new("powercut");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public Task Device_cut_during_presses_and_drain_loses_no_answered_press_and_doubles_none() =>
        DevicePowerCutSlice.RunAsync(_folder.Path, cuts: 14, output);

    [Fact]
    public async Task Fleet_cut_at_random_moments_keeps_every_acknowledged_event_once()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var report = await FleetPowerCuts.RunAsync(_folder.Path, cuts: 6, seed, output.WriteLine);
        output.WriteLine(report.ToString());

        DevicePowerCutSlice.Held(report);
    }
}
