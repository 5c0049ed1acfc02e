using System.Diagnostics;
using Edge.Testing;

namespace Edge.Benchmarks;

/// <summary>
/// (e) The device host beside a bare <c>dotnet new worker</c>, created and built in a temp folder at benchmark time:
/// time from process start to the generic host's "Application started" line, and resident memory once settled.
/// The device runs simulated (<c>--simulate</c>), connected to a fleet on loopback with its provisioned secret (device
/// authentication on, as shipped); median of three starts each.
/// </summary>
public static class StartupBenchmark
{
    private const int Starts = 3;
    private static readonly TimeSpan SettleAfterStart = TimeSpan.FromSeconds(4);

    public static async Task RunAsync(FigureTable figures, RatioTable ratios)
    {
        using var folder = new TempFolder("bench-startup");
        var workerDll = await BuildBareWorkerAsync(folder);
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
            return ChildProcess.StartDll("device", RepoPaths.DeviceDll,
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

        figures.Add("start-up: bare worker", $"{worker.StartMs:F0} ms, RSS {worker.RssMiB:F1} MiB", "dotnet new worker, Release build");
        figures.Add("start-up: device host", $"{device.StartMs:F0} ms, RSS {device.RssMiB:F1} MiB", "simulated, connected to a fleet");
        ratios.Add("(e) device start-up to \"Application started\"", "device host (simulated)", device.StartMs, "bare dotnet new worker", worker.StartMs, "ms", "lower");
        ratios.Add("(e) device resident memory, settled", "device host (simulated)", device.RssMiB, "bare dotnet new worker", worker.RssMiB, "MiB", "lower");
    }

    private static async Task<string> BuildBareWorkerAsync(TempFolder folder)
    {
        var project = folder["BareWorker"];
        await ExternalTool.RunAsync("dotnet", ["new", "worker", "--name", "BareWorker", "--output", project], TimeSpan.FromMinutes(2));
        await ExternalTool.RunAsync("dotnet", ["build", project, "-c", "Release", "-o", folder["worker-out"], "-nologo", "-v", "q"], TimeSpan.FromMinutes(4));
        return folder["worker-out/BareWorker.dll"];
    }

    private static async Task<StartFigures> MeasureAsync(string name, Func<ChildProcess> start)
    {
        var times = new List<double>();
        var rss = new List<double>();
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

            times.Add(sw.Elapsed.TotalMilliseconds);
            await Task.Delay(SettleAfterStart);
            rss.Add(ProcessFacts.RssKiB(process.Id) / 1024.0);
        }

        times.Sort();
        rss.Sort();
        return new StartFigures(times[Starts / 2], rss[Starts / 2]);
    }

    private sealed record StartFigures(double StartMs, double RssMiB);
}
