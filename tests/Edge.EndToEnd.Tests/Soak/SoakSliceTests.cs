using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Soak;

/// <summary>
/// A short slice of the soak benchmark (tests/Edge.Benchmarks/Soak), run as the real verb in its own process: a fleet
/// as shipped (device authentication on, every device provisioned by claim code), two device host processes and 18
/// load-generator devices at ten times a busy centre's rate for 90 seconds, with a fault every 15 s, at least one of each cheap kind (fleet
/// SIGKILL, broker restart, device SIGKILL); then the audit of the fleet's store against what every device knows it
/// had acknowledged. The disk-full fault needs root and a minute: the benchmark verb runs it.
/// </summary>
public sealed class SoakSliceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Soak_slice_with_fleet_kill_broker_restart_and_device_kill_loses_and_doubles_nothing()
    {
        using var soak = ChildProcess.StartDll("soak", RepoPaths.BenchmarksDll,
        [
            "soak",
            "--minutes", "1.5",
            "--devices", "20",
            "--real-devices", "2",
            "--rate-x", "10",
            "--fault-every", "15s",
            "--faults", "fleet-kill,broker-restart,device-kill",
        ]);
        int exitCode;
        try
        {
            exitCode = await soak.WaitForExitAsync(TimeSpan.FromMinutes(5));
        }
        finally
        {
            output.WriteLine(soak.Text);
        }

        Assert.Equal("0", Figure(soak.Text, "soak: events lost"));
        Assert.Equal("0", Figure(soak.Text, "soak: events doubled"));
        Assert.Equal("0", Figure(soak.Text, "soak: events not drained"));
        var injected = Figure(soak.Text, "soak: faults injected").Split(", ").Select(f => f.Split(' ')).ToDictionary(f => f[0], f => int.Parse(f[1]));
        Assert.All(new[] { "fleet-kill", "broker-restart", "device-kill" }, kind => Assert.True(injected[kind] >= 1, $"no {kind} injected"));
        Assert.True(long.Parse(Figure(soak.Text, "soak: events stored").Replace(",", "", StringComparison.Ordinal)) >= 250,
            "too few events stored for the slice to mean anything");
        Assert.Equal(0, exitCode);
    }

    /// <summary>The value column of a row of the benchmark's Markdown table.</summary>
    private static string Figure(string text, string name) =>
        text.Split('\n')
            .Where(l => l.StartsWith($"| {name} | ", StringComparison.Ordinal))
            .Select(l => l.Split('|')[2].Trim())
            .FirstOrDefault()
        ?? throw new InvalidOperationException($"no '{name}' row in the soak's table:\n{text}");
}
