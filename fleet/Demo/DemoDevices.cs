using System.Diagnostics;
using Edge.Fleet.Broker;
using Edge.Fleet.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Demo;

/// <summary>
/// Starts the demo's simulated counter devices as child processes (the real device host with --simulate) and
/// stops them with the fleet. Their output goes to this log at Debug level.
/// </summary>
public sealed class DemoDevices(
    IOptions<DemoOptions> options,
    IOptions<FleetOptions> fleet,
    IOptions<MqttOptions> mqtt,
    IDemoEnrolment enrolment,
    ILogger<DemoDevices> logger) : IHostedService, IDisposable
{
    private readonly List<Process> _processes = [];

    /// <summary>Local endpoint base URLs of the running demo devices.</summary>
    public IReadOnlyList<Uri> Endpoints { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var demo = options.Value;
        if (demo.Devices <= 0)
        {
            return;
        }

        var dll = DeviceHostLocator.Find(demo.DeviceDll);
        if (dll is null)
        {
            logger.LogError("Demo: Edge.Device.dll not found (set Demo:DeviceDll or build the solution); no demo devices started");
            return;
        }

        var endpoints = new List<Uri>();
        for (var i = 1; i <= demo.Devices; i++)
        {
            var id = $"demo-{i}";
            var localPort = demo.FirstLocalPort + i - 1;
            string[] args =
            [
                dll,
                "--simulate",
                $"--Device:Id={id}",
                $"--Device:Counter={i}",
                $"--Device:DataDir={Path.Combine(fleet.Value.DataDir, "demo", id)}",
                "--Uplink:Host=127.0.0.1",
                $"--Uplink:Port={mqtt.Value.Port}",
                $"--Local:Port={localPort}",
                "--Health:IntervalSeconds=10",
                .. await enrolment.ArgumentsForAsync(id, i.ToString(), cancellationToken),
            ];
            _processes.Add(Start(id, args));
            endpoints.Add(new Uri($"http://127.0.0.1:{localPort}"));
        }

        Endpoints = endpoints;
        logger.LogInformation("Demo: started {Count} simulated counters ({Ports})", demo.Devices, string.Join(", ", endpoints));
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var process in _processes.Where(p => !p.HasExited))
        {
            process.Kill(entireProcessTree: true);
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }
    }

    private Process Start(string id, string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(args[0])!,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start demo device {id}");
        process.OutputDataReceived += (_, e) => Forward(id, e.Data);
        process.ErrorDataReceived += (_, e) => Forward(id, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Forward(string id, string? line)
    {
        if (line is not null)
        {
            logger.LogDebug("[{Device}] {Line}", id, line);
        }
    }
}
