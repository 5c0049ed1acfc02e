using System.Diagnostics;
using System.Runtime.InteropServices;
using Edge.Testing;

namespace Edge.Benchmarks;

/// <summary>
/// (e) The device host as it ships on the Pi (device/Host published Native AOT, as <c>device/deploy/build-bundle.sh
/// --aot</c> publishes it) and as the framework-dependent bundle carries it (ReadyToRun), each built for this machine's
/// RID, beside a bare <c>dotnet new worker</c> created in a temp folder at benchmark time and published both ways with
/// the same settings: time from process start to the generic host's "Application started" line, and resident memory
/// once settled. The device runs simulated (<c>--simulate</c>), connected to a fleet on loopback with its provisioned
/// secret (device authentication on, as shipped); median of three starts each. The row's figure is the shipped (AOT)
/// host beside the framework-dependent worker, the row's baseline since it was set; the AOT worker is the like-for-like
/// floor beside it.
/// </summary>
public static class StartupBenchmark
{
    private const int Starts = 3;
    private static readonly TimeSpan SettleAfterStart = TimeSpan.FromSeconds(4);

    public static async Task RunAsync(FigureTable figures, RatioTable ratios)
    {
        using var folder = new TempFolder("bench-startup");
        // A native host already published from this tree (EDGE_TEST_DEVICE_HOST, as the tests take it) saves a publish.
        var nativeHost = DeviceProgram.Default.IsNative ? DeviceProgram.Default : await DeviceProgram.PublishAsync(folder["host-aot"], DeviceProgram.NativeSettings);
        var host = await DeviceProgram.PublishAsync(folder["host-fd"], DeviceProgram.FrameworkDependentSettings);
        var worker = await MeasureAsync("bare worker", await PublishBareWorkerAsync(folder, "worker-fd", DeviceProgram.FrameworkDependentSettings));
        var nativeWorker = await MeasureAsync("bare worker (AOT)", await PublishBareWorkerAsync(folder, "worker-aot", DeviceProgram.NativeSettings));

        using var fleet = new FleetRunner(folder["fleet"]);
        await fleet.StartAsync();
        var native = await MeasureDeviceAsync(fleet, folder, nativeHost, "aot");
        var device = await MeasureDeviceAsync(fleet, folder, host, "fd");

        // "Connected to a fleet" only if the fleet let them in: a refused secret would measure a device that is not.
        var refused = (await fleet.GetJsonAsync("/api/v1/security/counters")).GetProperty("connectRefused");
        if (refused.EnumerateObject().Any())
        {
            throw new InvalidOperationException($"the fleet refused the device host's connections: {refused}\n{fleet.Output}");
        }

        figures.Add("start-up: bare worker", worker.ToString(), "dotnet new worker, published as the framework-dependent bundle's host");
        figures.Add("start-up: bare worker, Native AOT", nativeWorker.ToString(), "dotnet new worker, published PublishAot");
        figures.Add("start-up: device host, Native AOT (as shipped)", native.ToString(), "device/Host published as build-bundle.sh --aot does, simulated, connected to a fleet");
        figures.Add("start-up: device host, framework-dependent", device.ToString(), "device/Host published as the framework-dependent bundle's host/, simulated, connected to a fleet");
        ratios.Add("(e) device start-up to \"Application started\"", "device host (AOT, as shipped)", native.StartMs, "bare dotnet new worker", worker.StartMs, "ms", "lower");
        ratios.Add("(e) device resident memory, settled (the row)", "device host (AOT, as shipped)", native.RssMiB, "bare dotnet new worker", worker.RssMiB, "MiB", "lower");
        ratios.Add("(e) device resident memory, settled, both AOT", "device host (AOT, as shipped)", native.RssMiB, "bare worker (AOT)", nativeWorker.RssMiB, "MiB", "lower");
        ratios.Add("(e) device resident memory, settled, both framework-dependent", "device host (framework-dependent)", device.RssMiB, "bare dotnet new worker", worker.RssMiB, "MiB", "lower");
    }

    /// <summary>
    /// Three starts of <paramref name="host"/>, each a device provisioned before the clock starts, as a Pi is before
    /// the boots that count: the host then starts with the secret identity.json would give it (Uplink:Password).
    /// </summary>
    private static async Task<StartFigures> MeasureDeviceAsync(FleetRunner fleet, TempFolder folder, DeviceProgram host, string kind)
    {
        var devices = new List<DeviceCredentials>();
        for (var i = 1; i <= Starts; i++)
        {
            devices.Add(await fleet.ProvisionAsync(FleetRunner.DefaultCentre, $"{i}", $"startup-{kind}-{i}"));
        }

        var run = 0;
        return await MeasureAsync($"device host ({kind})", () =>
        {
            var credentials = devices[run++];
            return host.Start("device",
            [
                "--simulate",
                $"--Device:Id={credentials.DeviceId}",
                $"--Device:DataDir={folder[$"device-{kind}-{run}"]}",
                "--Uplink:Host=127.0.0.1",
                $"--Uplink:Port={fleet.MqttPort}",
                $"--Uplink:Password={credentials.Secret}",
                $"--Local:Port={FreePort.Next()}",
            ]);
        });
    }

    /// <summary>A bare <c>dotnet new worker</c> published with <paramref name="settings"/>; started as the device host is.</summary>
    private static async Task<Func<ChildProcess>> PublishBareWorkerAsync(TempFolder folder, string name, IReadOnlyList<string> settings)
    {
        var project = folder[$"{name}/BareWorker"];
        var output = folder[$"{name}/out"];
        await ExternalTool.RunAsync("dotnet", ["new", "worker", "--name", "BareWorker", "--output", project], TimeSpan.FromMinutes(2));
        await ExternalTool.RunAsync("dotnet",
            ["publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, .. settings, "-o", output, "-nologo", "-v", "q"],
            TimeSpan.FromMinutes(10));
        var dll = Path.Combine(output, "BareWorker.dll");
        return File.Exists(dll)
            ? () => ChildProcess.StartDll("worker", dll, [])
            : () => ChildProcess.Start("worker", Path.Combine(output, "BareWorker"), [], output);
    }

    private static async Task<StartFigures> MeasureAsync(string name, Func<ChildProcess> start)
    {
        var starts = new List<StartFigures>();
        for (var i = 0; i < Starts; i++)
        {
            var sw = Stopwatch.StartNew();
            using var process = start();
            while (!process.Output.Contains("Application started", StringComparison.Ordinal))
            {
                if (process.HasExited || sw.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException($"{name} did not report \"Application started\":\n{process.Output}");
                }

                await Task.Delay(5);
            }

            var startMs = sw.Elapsed.TotalMilliseconds;
            var startCpuMs = ProcessFacts.CpuTime(process.Id).TotalMilliseconds;
            await Task.Delay(SettleAfterStart);
            starts.Add(new StartFigures(
                startMs,
                startCpuMs,
                ProcessFacts.RssKiB(process.Id) / 1024.0,
                (ProcessFacts.RssAnonKiB(process.Id) + ProcessFacts.RssShmemKiB(process.Id)) / 1024.0));
        }

        return new StartFigures(
            Median(starts.Select(s => s.StartMs)),
            Median(starts.Select(s => s.StartCpuMs)),
            Median(starts.Select(s => s.RssMiB)),
            Median(starts.Select(s => s.NotFileBackedMiB)));
    }

    private static double Median(IEnumerable<double> values) => values.Order().ElementAt(Starts / 2);

    /// <summary>
    /// One start (or the medians of several): wall and CPU time to "Application started"; resident memory settled, and
    /// the part of it not backed by a file (anonymous and shared memory: heaps, JIT-compiled code, stubs), which the
    /// kernel cannot drop and read back when memory runs short, unlike an assembly's code pages.
    /// </summary>
    private sealed record StartFigures(double StartMs, double StartCpuMs, double RssMiB, double NotFileBackedMiB)
    {
        public override string ToString() =>
            $"{StartMs:F0} ms ({StartCpuMs:F0} ms CPU), RSS {RssMiB:F1} MiB ({NotFileBackedMiB:F1} MiB not file-backed)";
    }
}
