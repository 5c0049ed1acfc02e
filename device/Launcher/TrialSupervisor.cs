using System.Diagnostics;
using Edge.Device.Updates;
using Microsoft.Extensions.Logging;

namespace Edge.Device.Launcher;

/// <summary>
/// Runs the host from <c>current</c> and decides about a version on trial without its help: the trial is kept
/// when the host writes <c>state/healthy</c> with its version within the trial's deadline; it is rolled back —
/// <c>current</c> switched back to the previous release — when the host exits first, misses the deadline, or has
/// been started <see cref="LauncherOptions.MaxTrialStarts"/> times (power cuts, watchdog kills) without confirming.
/// Deadlines use the monotonic clock (the Pi's wall clock may jump when NTP syncs).
/// </summary>
public sealed class TrialSupervisor(LauncherOptions options, IReadOnlyList<string> hostArgs, ILogger<TrialSupervisor> logger)
{
    private readonly InstallLayout _layout = new(options.InstallRoot);

    /// <summary>Runs until the host exits on its own outside a trial (returns its exit code) or the launcher is stopped.</summary>
    public async Task<int> RunAsync(CancellationToken stopping)
    {
        var link = new CurrentLink(_layout);
        while (!stopping.IsCancellationRequested)
        {
            var trial = StartTrialIfAny(link);
            var folder = link.Folder();
            var problem = folder is null ? $"{_layout.Current} points at no release" : HostProgram.ProblemIn(folder);
            if (problem is not null && trial is not null)
            {
                RollBack(link, trial, $"cannot be started: {problem}");
                continue;
            }

            if (problem is not null)
            {
                logger.LogCritical("No host to run: {Problem}", problem);
                return 1;
            }

            var startedVersion = link.Version();
            using var host = Start(folder!);
            var started = Stopwatch.GetTimestamp();
            var confirmed = trial is null;
            var rolledBack = false;
            while (!host.HasExited && !stopping.IsCancellationRequested)
            {
                if (!confirmed && StateFiles.ReadHealthy(_layout) == trial!.Version)
                {
                    confirmed = true;
                    Keep(trial, Stopwatch.GetElapsedTime(started));
                }
                else if (!confirmed && Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(trial!.HealthyWithinSeconds))
                {
                    await StopAsync(host);
                    RollBack(link, trial, $"did not confirm its health within {trial.HealthyWithinSeconds:0.#} s");
                    rolledBack = true;
                    break;
                }

                await WaitAsync(host, TimeSpan.FromMilliseconds(200), stopping);
            }

            if (stopping.IsCancellationRequested)
            {
                await StopAsync(host);
                return 0;
            }

            if (rolledBack)
            {
                continue; // after the deadline: start the previous version
            }

            // The host may have confirmed in its last moments: read the file once more before judging it.
            if (!confirmed && StateFiles.ReadHealthy(_layout) == trial!.Version)
            {
                confirmed = true;
                Keep(trial, Stopwatch.GetElapsedTime(started));
            }

            if (!confirmed)
            {
                RollBack(link, trial!, $"exited with code {host.ExitCode} before confirming its health");
                continue;
            }

            // An update: the host wrote a trial and switched `current`, then stopped so that the new version starts.
            if (StateFiles.ReadTrial(_layout) is not null || link.Version() != startedVersion)
            {
                logger.LogInformation("Host stopped (code {Code}) after switching to {Current}: starting it", host.ExitCode, link.Version());
                continue;
            }

            logger.LogWarning("Host exited with code {Code}", host.ExitCode);
            return host.ExitCode;
        }

        return 0;
    }

    /// <summary>SIGTERM to the host (systemd sends it to the whole group anyway), then SIGKILL after the grace time.</summary>
    public async Task StopAsync(Process host)
    {
        if (host.HasExited)
        {
            return;
        }

        try
        {
            Signal(host.Id, 15);
            using var grace = new CancellationTokenSource(options.StopGrace);
            await host.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Host did not stop within {Grace}: killing it", options.StopGrace);
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync(CancellationToken.None);
        }
    }

    private TrialRecord? StartTrialIfAny(CurrentLink link)
    {
        if (StateFiles.ReadTrial(_layout) is not { } trial)
        {
            return null;
        }

        var current = link.Version();
        if (current != trial.Version)
        {
            // The host wrote the trial but the power went before it switched (or after the launcher switched back).
            logger.LogWarning("Trial of {Version} abandoned: current is {Current}", trial.Version, current);
            Finish(trial, UpdateStatesOnDevice.RolledBack, $"the switch to {trial.Version} did not complete");
            return null;
        }

        trial = trial with { Starts = trial.Starts + 1 };
        if (trial.Starts > options.MaxTrialStarts)
        {
            RollBack(link, trial, $"started {options.MaxTrialStarts} times without confirming its health");
            return null;
        }

        StateFiles.WriteTrial(_layout, trial);
        File.Delete(_layout.HealthyFile);
        logger.LogInformation("Version {Version} on trial (start {Start} of {Max}): must confirm its health within {Seconds} s",
            trial.Version, trial.Starts, options.MaxTrialStarts, trial.HealthyWithinSeconds);
        return trial;
    }

    private void Keep(TrialRecord trial, TimeSpan after)
    {
        logger.LogInformation("Version {Version} confirmed its health after {Seconds:0.0} s: kept", trial.Version, after.TotalSeconds);
        Finish(trial, UpdateStatesOnDevice.Healthy, null);
        PruneReleases(keep: [trial.Version, trial.Previous]);
    }

    private void RollBack(CurrentLink link, TrialRecord trial, string reason)
    {
        logger.LogError("Version {Version} {Reason}: rolling back to {Previous}", trial.Version, reason, trial.Previous);
        link.SwitchTo(trial.Previous);
        StateFiles.Write(_layout.RolledBackMarker(trial.Version), System.Text.Encoding.UTF8.GetBytes(reason));
        Finish(trial, UpdateStatesOnDevice.RolledBack, reason);
        TryDelete(_layout.ReleaseFolder(trial.Version));
    }

    /// <summary>Outcome first, then the trial goes: a crash in between leaves a trial the next start abandons.</summary>
    private void Finish(TrialRecord trial, string state, string? reason)
    {
        StateFiles.WriteOutcome(_layout, new TrialOutcome(trial.Version, trial.RolloutId, state, reason, DateTimeOffset.UtcNow));
        File.Delete(_layout.TrialFile);
        File.Delete(_layout.HealthyFile);
    }

    /// <summary>Keeps the running release and the one before it (room on the SD card); older ones go.</summary>
    private void PruneReleases(IReadOnlyCollection<string> keep)
    {
        foreach (var folder in Directory.EnumerateDirectories(_layout.Releases))
        {
            if (!keep.Contains(Path.GetFileName(folder)))
            {
                TryDelete(folder);
            }
        }
    }

    private void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not delete {Folder}: {Error}", folder, ex.Message);
        }
    }

    private Process Start(string releaseFolder)
    {
        // Either kind of host (HostProgram): an update may bring a framework-dependent release to a native one or back.
        var program = HostProgram.In(releaseFolder)!;
        var info = program.StartInfo(options.Dotnet);
        info.UseShellExecute = false;
        info.WorkingDirectory = releaseFolder;
        foreach (var arg in hostArgs)
        {
            info.ArgumentList.Add(arg);
        }

        // The host installs updates into the same root and knows it runs under the launcher.
        info.Environment["Updates__InstallRoot"] = _layout.Root;
        info.Environment["EDGE_LAUNCHER_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var host = Process.Start(info) ?? throw new InvalidOperationException("the host did not start");
        logger.LogInformation("Started host {Release} ({Kind}, pid {Pid})", Path.GetFileName(releaseFolder), program.Kind, host.Id);
        return host;
    }

    private static async Task WaitAsync(Process host, TimeSpan period, CancellationToken stopping)
    {
        using var tick = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        tick.CancelAfter(period);
        try
        {
            await host.WaitForExitAsync(tick.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static void Signal(int pid, int signal)
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = Kill(pid, signal);
        }
    }
}

/// <summary>The outcome states the launcher writes (the same words as the wire's update states).</summary>
public static class UpdateStatesOnDevice
{
    public const string Healthy = Edge.Wire.UpdateStates.Healthy;
    public const string RolledBack = Edge.Wire.UpdateStates.RolledBack;
}
