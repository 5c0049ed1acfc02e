using System.Diagnostics;
using System.Runtime.InteropServices;
using Edge.Testing;

namespace Edge.Benchmarks;

/// <summary>
/// (e) The device host as shipped (the host/ folder of <c>device/deploy/build-bundle.sh</c>'s default bundle, built for
/// this machine's RID) beside a bare <c>dotnet new worker</c>, created in a temp folder at benchmark time and published
/// with the bundle's settings: time from process start to the generic host's "Application started" line, and resident
/// memory once settled. The device runs simulated (<c>--simulate</c>), connected to a fleet on loopback with its
/// provisioned secret (device authentication on, as shipped); median of three starts each.
/// </summary>
public static class StartupBenchmark
{
    private const int Starts = 3;
    private static readonly TimeSpan SettleAfterStart = TimeSpan.FromSeconds(4);

    /// <summary>How build-bundle.sh publishes the host by default: framework-dependent, ReadyToRun.</summary>
    private static readonly string[] BundlePublishSettings = ["--self-contained", "false", "-p:PublishReadyToRun=true"];

    public static async Task RunAsync(FigureTable figures, RatioTable ratios)
    {
        using var folder = new TempFolder("bench-startup");
        var deviceDll = await BuildBundleHostAsync(folder);
        var workerDll = await PublishBareWorkerAsync(folder);
        var worker = await MeasureAsync("bare worker", () => ChildProcess.StartDll("worker", workerDll, []));

        using var fleet = new FleetRunner(folder["fleet"]);
        await fleet.StartAsync();

        // Provisioned before the clock starts, as a Pi is before the boots that count: the host then starts with the
        // secret identity.json would give it (Uplink:Password).
        var devices = new List<DeviceCredentials>();
        for (var i = 1; i <= Starts; i++)
        {
            devices.Add(await fleet.ProvisionAsync(FleetRunner.DefaultCentre, $"{i}", $"startup-{i}"));
        }

        var run = 0;
        var device = await MeasureAsync("device host", () =>
        {
            var credentials = devices[run++];
            return ChildProcess.StartDll("device", deviceDll,
            [
                "--simulate",
                $"--Device:Id={credentials.DeviceId}",
                $"--Device:DataDir={folder[$"device-{run}"]}",
                "--Uplink:Host=127.0.0.1",
                $"--Uplink:Port={fleet.MqttPort}",
                $"--Uplink:Password={credentials.Secret}",
                $"--Local:Port={FreePort.Next()}",
            ]);
        });

        // "Connected to a fleet" only if the fleet let them in: a refused secret would measure a device that is not.
        var refused = (await fleet.GetJsonAsync("/api/v1/security/counters")).GetProperty("connectRefused");
        if (refused.EnumerateObject().Any())
        {
            throw new InvalidOperationException($"the fleet refused the device host's connections: {refused}\n{fleet.Output}");
        }

        figures.Add("start-up: bare worker", worker.ToString(), "dotnet new worker, published as the bundle's host");
        figures.Add("start-up: device host", device.ToString(), "the bundle's host/, simulated, connected to a fleet");
        ratios.Add("(e) device start-up to \"Application started\"", "device host (simulated)", device.StartMs, "bare dotnet new worker", worker.StartMs, "ms", "lower");
        ratios.Add("(e) device resident memory, settled", "device host (simulated)", device.RssMiB, "bare dotnet new worker", worker.RssMiB, "MiB", "lower");
    }

    /// <summary>build-bundle.sh's default bundle for this machine; the published host's dll.</summary>
    private static async Task<string> BuildBundleHostAsync(TempFolder folder)
    {
        var rid = RuntimeInformation.RuntimeIdentifier;
        await ExternalTool.RunAsync("sh", [Path.Combine(RepoPaths.Root, "device/deploy/build-bundle.sh"), "--rid", rid, "--out", folder["dist"]], TimeSpan.FromMinutes(15));
        return folder[$"dist/edge-device-1.0.0-{rid}/host/Edge.Device.dll"];
    }

    private static async Task<string> PublishBareWorkerAsync(TempFolder folder)
    {
        var project = folder["BareWorker"];
        await ExternalTool.RunAsync("dotnet", ["new", "worker", "--name", "BareWorker", "--output", project], TimeSpan.FromMinutes(2));
        await ExternalTool.RunAsync("dotnet",
            ["publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, .. BundlePublishSettings, "-o", folder["worker-out"], "-nologo", "-v", "q"],
            TimeSpan.FromMinutes(4));
        return folder["worker-out/BareWorker.dll"];
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
