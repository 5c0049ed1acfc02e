using Edge.EndToEnd.Tests.PowerCut;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.NativeHost;

/// <summary>
/// What the Native AOT host must show beside the existing tests it runs (the other classes here): that it is the native
/// program that runs (no CoreCLR, no JIT in the process: else every test of the collection would prove nothing about
/// AOT), and a slice of the device's power cuts (its outbox on a disk that loses every write not fsynced).
/// </summary>
[Collection(NativeHostCollection.Name)]
public sealed class NativeHostTests(ITestOutputHelper output, NativeHostBuild host) : IDisposable
{
    private readonly TempFolder _folder = new("native-host-tests");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_device_runs_as_the_native_program_without_the_runtime_that_JIT_compiles()
    {
        using var fleet = new FleetRunner(_folder["fleet"]);
        await fleet.StartAsync();
        using var device = new DeviceRunner("native-quay", _folder["device"], fleet.MqttPort) { Program = host.Program };
        await device.StartAsync();
        await device.PressAsync(1, 3);
        await Eventually.TrueAsync(async () => (await device.StatusAsync()).GetProperty("outboxDepth").GetInt64() == 0,
            TimeSpan.FromSeconds(60), "the presses acked");

        var program = await File.ReadAllTextAsync($"/proc/{device.ProcessId}/cmdline");
        var maps = await File.ReadAllTextAsync($"/proc/{device.ProcessId}/maps");
        output.WriteLine($"{program.Replace('\0', ' ')[..Math.Min(program.Length, 200)]}");
        Assert.StartsWith(host.Program.NativeProgram + "\0", program, StringComparison.Ordinal);
        Assert.DoesNotContain("libcoreclr.so", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("libclrjit.so", maps, StringComparison.Ordinal);
        Assert.DoesNotContain(".dll", maps, StringComparison.Ordinal);
    }

    [Fact]
    public Task Device_cut_during_presses_and_drain_loses_no_answered_press_and_doubles_none() =>
        DevicePowerCutSlice.RunAsync(_folder.Path, cuts: 8, output, host.Program);
}
