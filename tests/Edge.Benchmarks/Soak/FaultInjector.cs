using System.Diagnostics;

namespace Edge.Benchmarks.Soak;

/// <summary>
/// Injects the soak's faults in rotation and keeps what happened: how many of each kind, how long each took until
/// the victim answered again, which were skipped and why. Also restarts a process found dead between faults (a crash
/// of its own, counted as a finding, never hidden). One fault at a time.
/// </summary>
public sealed class FaultInjector(SoakServer server, SoakDevices devices, SoakOptions options)
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly Dictionary<string, int> _injected = SoakFaultKinds.All.ToDictionary(k => k, _ => 0);
    private readonly Dictionary<string, string> _skipped = [];
    private readonly List<string> _log = [];
    private readonly List<string> _crashes = [];
    private int _next;
    private int _nextDevice;

    public IReadOnlyDictionary<string, int> Injected => _injected;

    /// <summary>Kinds that could not be injected, with the reason.</summary>
    public IReadOnlyDictionary<string, string> Skipped => _skipped;

    /// <summary>One line per fault: when, what, how long until recovered.</summary>
    public IReadOnlyList<string> Log => _log;

    /// <summary>Processes that ended by themselves between faults.</summary>
    public IReadOnlyList<string> Crashes => _crashes;

    /// <summary>Injects the next kind of the rotation at <paramref name="at"/> (run time, for the log).</summary>
    public async Task InjectNextAsync(TimeSpan at, CancellationToken cancellationToken)
    {
        var kind = options.Faults[_next++ % options.Faults.Count];
        await _one.WaitAsync(cancellationToken);
        try
        {
            var took = Stopwatch.StartNew();
            string? what;
            try
            {
                what = await InjectAsync(kind, cancellationToken);
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or HttpRequestException)
            {
                // The victim did not come back in time (or exited while starting): a finding of the run, kept with its
                // output, not the end of the run; the next sample revives what is dead.
                _injected[kind]++;
                Crashed(at, kind, $"{ex.Message}\n{server.Fleet.Output}", $"did not recover ({ex.GetType().Name}: {ex.Message.Split('\n')[0]})");
                return;
            }

            if (what is null)
            {
                return;
            }

            _injected[kind]++;
            var line = $"{at.TotalMinutes:F1} min: {kind}: {what}, recovered in {took.Elapsed.TotalSeconds:F1} s";
            _log.Add(line);
            Console.WriteLine("  fault " + line);
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>Restarts the fleet or a real device found dead outside a fault, and records it.</summary>
    public async Task ReviveAsync(TimeSpan at)
    {
        await _one.WaitAsync();
        try
        {
            if (!server.Fleet.IsRunning)
            {
                Crashed(at, "fleet", server.Fleet.Output);
                await server.Fleet.StartAsync();
            }

            foreach (var counter in devices.Counters.Where(c => c.Device.HasExited))
            {
                Crashed(at, counter.Device.Id, counter.Device.Output);
                await counter.KillAndRestartAsync();
            }
        }
        finally
        {
            _one.Release();
        }
    }

    private void Crashed(TimeSpan at, string who, string output, string what = "ended by itself")
    {
        // The whole output is kept beside the run for whoever fixes the crash (the run's own folder is deleted at the end).
        var saved = Path.Combine(Path.GetTempPath(), $"edge-soak-crash-{who}-{DateTime.UtcNow:yyyyMMddTHHmmss}.log");
        File.WriteAllText(saved, output);
        var first = output.Split('\n').FirstOrDefault(l => l.Contains("Unhandled", StringComparison.Ordinal) || l.Contains("crit", StringComparison.Ordinal)) ?? "";
        _crashes.Add($"{at.TotalMinutes:F1} min: {who} {what} ({first.Trim()}); its output: {saved}");
        Console.WriteLine("  CRASH " + _crashes[^1]);
    }

    /// <summary>Does one fault; returns what was done, or null when it was skipped (reason in <see cref="Skipped"/>).</summary>
    private async Task<string?> InjectAsync(string kind, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case SoakFaultKinds.FleetKill:
                await server.KillFleetAndRestartAsync();
                return "fleet SIGKILLed and started";
            case SoakFaultKinds.BrokerRestart:
                await server.RestartBrokerAsync();
                return server.ExternalBroker ? "Mosquitto killed and started on its port" : "fleet (embedded broker) stopped by SIGTERM and started";
            case SoakFaultKinds.DeviceKill when devices.Counters.Count == 0:
                _skipped[kind] = "no real device host (--real-devices 0)";
                return null;
            case SoakFaultKinds.DeviceKill:
                // The first device is left alone when there are others, so its memory and outbox make one unbroken series.
                var victims = devices.Counters.Count > 1 ? devices.Counters.Skip(1).ToList() : [.. devices.Counters];
                var victim = victims[_nextDevice++ % victims.Count];
                await victim.KillAndRestartAsync();
                return $"{victim.Device.Id} SIGKILLed and started";
            case SoakFaultKinds.DiskFull when server.Disk.Unavailable is { } reason:
                _skipped[kind] = reason;
                return null;
            case SoakFaultKinds.DiskFull:
                var full = Stopwatch.StartNew();
                var ballast = await server.Disk.FillAsync(cancellationToken);
                try
                {
                    var healthz = await HealthzAsync();
                    var left = options.DiskFullFor - full.Elapsed;
                    await Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken);
                    return $"fleet data disk full for {full.Elapsed.TotalSeconds:F0} s ({ballast / 1048576.0:F0} MiB ballast; /healthz said {healthz})";
                }
                finally
                {
                    server.Disk.Free();
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown fault");
        }
    }

    /// <summary>The fleet's health answer a few seconds into the full disk (a store that cannot write should say so).</summary>
    private async Task<string> HealthzAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(3));
        try
        {
            using var response = await server.Fleet.Http.GetAsync("/healthz");
            return $"{(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return "no answer";
        }
    }
}
