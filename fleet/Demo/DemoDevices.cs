using System.Diagnostics;
using System.Globalization;
using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Edge.Fleet.Store;

namespace Edge.Fleet.Demo;

/// <summary>
/// Starts the demo centre's simulated devices as child processes (the real device host with --simulate) once the
/// fleet listens: <c>Demo:Devices</c> counters (demo-1..N, local ports from Demo:FirstLocalPort), one kiosk
/// (demo-kiosk, the next port) and one hall display (demo-hall, the port after). Each provisions itself with its
/// claim code over the fleet's HTTP API (HTTPS with the fleet's CA pinned when TLS is on) and takes its role from its enrolment. They stop with the fleet; their
/// standard output goes to this log at Debug level, their standard error at Warning, and a device that exits while the
/// fleet runs is logged as a warning with the last lines it wrote.
/// </summary>
public sealed class DemoDevices(
    IOptions<DemoOptions> options,
    IOptions<FleetOptions> fleet,
    IOptions<MqttOptions> mqtt,
    IOptions<Provisioning.ProvisioningOptions> provisioning,
    IDemoEnrolment enrolment,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILogger<DemoDevices> logger) : IHostedService, IDisposable
{
    private readonly List<Process> _processes = [];

    /// <summary>Local endpoint base URLs of the running demo counters.</summary>
    public IReadOnlyList<Uri> Endpoints { get; private set; } = [];

    /// <summary>Local endpoint of the demo kiosk (its field buttons), once started.</summary>
    public Uri? Kiosk { get; private set; }

    /// <summary>Local endpoint of the demo hall display (/hall), once started.</summary>
    public Uri? Hall { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Devices > 0)
        {
            lifetime.ApplicationStarted.Register(StartDevices);
        }

        return Task.CompletedTask;
    }

    private void StartDevices()
    {
        var demo = options.Value;
        var fleetUrl = LoopbackUrl();
        if (fleetUrl is null)
        {
            logger.LogError("Demo: the fleet has no http(s) address to provision the demo devices through; no demo devices started");
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
            endpoints.Add(StartDevice($"demo-{i}", i.ToString(CultureInfo.InvariantCulture), DeviceRoles.Counter, demo.FirstLocalPort + i - 1, dll, fleetUrl, DemoCentre.CounterSettings()));
        }

        Kiosk = StartDevice(DemoCentre.KioskId, DemoCentre.KioskCounter, DeviceRoles.Kiosk, demo.FirstLocalPort + demo.Devices, dll, fleetUrl, DemoCentre.KioskSettings());
        Hall = StartDevice(DemoCentre.HallId, DemoCentre.HallCounter, DeviceRoles.Hall, demo.FirstLocalPort + demo.Devices + 1, dll, fleetUrl, []);
        Endpoints = endpoints;
        logger.LogInformation("Demo: started {Count} simulated counters ({Ports}), a kiosk ({Kiosk}) and a hall display ({Hall}hall)",
            demo.Devices, string.Join(", ", endpoints), Kiosk, Hall);
    }

    private Uri StartDevice(string id, string counter, string role, int localPort, string dll, Uri fleetUrl, IEnumerable<string> settings)
    {
        // Absolute: the device runs in its own build folder, and its identity must go with the fleet's data
        // (deleting {Fleet:DataDir} resets the whole demo).
        var dataDir = Path.GetFullPath(Path.Combine(fleet.Value.DataDir, "demo", id));
        string[] args =
        [
            dll,
            "--simulate",
            $"--Device:Id={id}",
            $"--Device:Counter={counter}",
            $"--Device:DataDir={dataDir}",
            .. UplinkArguments(),
            $"--Local:Port={localPort}",
            "--Health:IntervalSeconds=10",
            .. settings,
            .. enrolment.ArgumentsFor(id, counter, role, dataDir, fleetUrl),
        ];
        _processes.Add(Start(id, args));
        return new Uri($"http://127.0.0.1:{localPort}");
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

    /// <summary>The broker the demo devices use: the plaintext listener, or TLS with the CA the fleet hands out when that is off.</summary>
    private IEnumerable<string> UplinkArguments()
    {
        var broker = mqtt.Value;
        if (broker.PlaintextEnabled)
        {
            return ["--Uplink:Host=127.0.0.1", $"--Uplink:Port={broker.Port}"];
        }

        var ca = provisioning.Value.CaCertificate;
        return ["--Uplink:Host=127.0.0.1", $"--Uplink:Port={broker.TlsPort}", "--Uplink:UseTls=true",
            .. string.IsNullOrEmpty(ca) ? Array.Empty<string>() : [$"--Uplink:CaCertificate={Path.GetFullPath(ca)}"]];
    }

    /// <summary>
    /// The fleet's first https address (else its first http one) as a device on this machine reaches it (a wildcard
    /// host becomes 127.0.0.1).
    /// </summary>
    private Uri? LoopbackUrl()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            ?? addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        if (address is null || !Uri.TryCreate(address.Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0"), UriKind.Absolute, out var uri))
        {
            return null;
        }

        var host = uri.Host is "0.0.0.0" or "[::]" or "::" or "localhost" ? "127.0.0.1" : uri.Host;
        return new UriBuilder(uri) { Host = host }.Uri;
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

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var tail = new OutputTail(TailLines);
        process.Exited += (_, _) =>
        {
            if (!lifetime.ApplicationStopping.IsCancellationRequested)
            {
                process.WaitForExit(); // drains the redirected output, so the tail holds the device's last words
                logger.LogWarning("Demo: device {Device} exited with code {Code}; its last lines:\n{Tail}", id, process.ExitCode, tail.Text());
            }
        };
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start demo device {id}");
        }

        process.OutputDataReceived += (_, e) => Forward(id, e.Data, tail, LogLevel.Debug);
        process.ErrorDataReceived += (_, e) => Forward(id, e.Data, tail, LogLevel.Warning);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Forward(string id, string? line, OutputTail tail, LogLevel level)
    {
        if (line is not null)
        {
            tail.Add(line);
            logger.Log(level, "[{Device}] {Line}", id, line);
        }
    }

    private const int TailLines = 40;
}
