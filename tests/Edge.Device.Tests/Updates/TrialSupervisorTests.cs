using Edge.Device.Launcher;
using Edge.Device.Updates;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging;

namespace Edge.Device.Tests.Updates;

/// <summary>
/// The launcher's decisions with stand-in hosts: a framework-dependent release's "Edge.Device.dll" is a shell script
/// the supervisor runs with /bin/sh instead of dotnet, a native release's "Edge.Device" an executable shell script it
/// starts directly (no dll beside it), so a healthy, a crashing and a silent build take milliseconds.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // stand-in hosts are shell scripts
public sealed class TrialSupervisorTests : IDisposable
{
    private const string Sleeps = "exec sleep 30\n";
    private const string ConfirmsThenSleeps = "printf 2 > \"$Updates__InstallRoot/state/healthy\"\nexec sleep 30\n";

    private readonly TempFolder _folder = new("launcher");
    private readonly RecordingLogger _log = new();
    private readonly InstallLayout _layout;

    public TrialSupervisorTests()
    {
        _layout = new InstallLayout(_folder["root"]);
        _layout.EnsureFolders();
        Release("1", Sleeps);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_version_that_confirms_its_health_in_time_is_kept()
    {
        Release("2", ConfirmsThenSleeps);
        StartTrial(healthyWithinSeconds: 20);

        var outcome = await RunUntilOutcomeAsync();

        Assert.Equal(UpdateStates.Healthy, outcome.State);
        Assert.Equal("2", new CurrentLink(_layout).Version());
        Assert.False(File.Exists(_layout.TrialFile));
    }

    [Fact]
    public async Task A_version_that_crashes_at_start_is_rolled_back_and_removed()
    {
        Release("2", "exit 3\n");
        StartTrial(healthyWithinSeconds: 20);

        var outcome = await RunUntilOutcomeAsync();

        Assert.Equal(UpdateStates.RolledBack, outcome.State);
        Assert.Contains("exited with code 3", outcome.Reason);
        Assert.Equal("1", new CurrentLink(_layout).Version());
        Assert.False(Directory.Exists(_layout.ReleaseFolder("2")));
        Assert.True(File.Exists(_layout.RolledBackMarker("2")));
    }

    [Fact]
    public async Task A_version_that_runs_but_never_confirms_is_stopped_and_rolled_back_at_the_deadline()
    {
        Release("2", Sleeps);
        StartTrial(healthyWithinSeconds: 1.5);

        var outcome = await RunUntilOutcomeAsync();

        Assert.Equal(UpdateStates.RolledBack, outcome.State);
        Assert.Contains("did not confirm its health within 1.5 s", outcome.Reason);
        Assert.Equal("1", new CurrentLink(_layout).Version());
    }

    [Fact]
    public async Task A_version_started_too_often_without_confirming_is_rolled_back_before_it_runs_again()
    {
        Release("2", ConfirmsThenSleeps);
        StartTrial(healthyWithinSeconds: 20, starts: 3);

        var outcome = await RunUntilOutcomeAsync();

        Assert.Equal(UpdateStates.RolledBack, outcome.State);
        Assert.Contains("started 3 times", outcome.Reason);
        Assert.Equal("1", new CurrentLink(_layout).Version());
    }

    [Fact]
    public async Task A_trial_whose_switch_never_happened_is_abandoned_and_current_runs()
    {
        Release("2", ConfirmsThenSleeps);
        StateFiles.WriteTrial(_layout, new TrialRecord("2", "1", "r1", 20));
        new CurrentLink(_layout).SwitchTo("1");

        var outcome = await RunUntilOutcomeAsync();

        Assert.Equal(UpdateStates.RolledBack, outcome.State);
        Assert.Contains("did not complete", outcome.Reason);
        Assert.Equal("1", new CurrentLink(_layout).Version());
    }

    [Fact]
    public async Task A_native_release_is_started_as_a_program_and_kept_when_it_confirms()
    {
        // Started as `/bin/sh Edge.Device.dll`, this release would exit 127 (no such file) and be rolled back.
        NativeRelease("2", ConfirmsThenSleeps);
        StartTrial(healthyWithinSeconds: 20);

        var outcome = await RunUntilOutcomeAsync();

        Assert.Equal(UpdateStates.Healthy, outcome.State);
        Assert.Equal("2", new CurrentLink(_layout).Version());
        Assert.Contains(_log.Lines, line => line.Contains("Started host 2 (Native", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_native_release_that_crashes_is_rolled_back_to_the_framework_dependent_one_which_runs_again()
    {
        NativeRelease("2", "exit 3\n");
        StartTrial(healthyWithinSeconds: 20);

        var outcome = await RunUntilOutcomeAsync();

        Assert.Equal(UpdateStates.RolledBack, outcome.State);
        Assert.Contains("exited with code 3", outcome.Reason);
        Assert.Equal("1", new CurrentLink(_layout).Version());
        await Eventually.ReturnsAsync(
            () => Task.FromResult(_log.Lines.Any(line => line.Contains("Started host 1 (FrameworkDependent", StringComparison.Ordinal))),
            started => started, TimeSpan.FromSeconds(10), "the previous release to be started again");
    }

    [Fact]
    public async Task A_release_holding_both_the_dll_and_a_program_runs_the_dll_with_dotnet()
    {
        Release("2", ConfirmsThenSleeps);
        WriteProgram(_layout.ReleaseFolder("2"), "exit 3\n"); // the apphost a framework-dependent publish leaves beside it
        StartTrial(healthyWithinSeconds: 20);

        var outcome = await RunUntilOutcomeAsync();

        Assert.Equal(UpdateStates.Healthy, outcome.State);
    }

    [Fact]
    public async Task A_native_release_that_is_not_executable_is_rolled_back_with_the_reason_and_never_started()
    {
        NativeRelease("2", ConfirmsThenSleeps);
        File.SetUnixFileMode(Path.Combine(_layout.ReleaseFolder("2"), HostProgram.NativeName), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        StartTrial(healthyWithinSeconds: 20);

        var outcome = await RunUntilOutcomeAsync();

        Assert.Equal(UpdateStates.RolledBack, outcome.State);
        Assert.Contains("Edge.Device is not executable", outcome.Reason);
        Assert.Equal("1", new CurrentLink(_layout).Version());
        Assert.DoesNotContain(_log.Lines, line => line.Contains("Started host 2", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("empty", "holds neither Edge.Device.dll nor Edge.Device")]
    [InlineData("not executable", "Edge.Device is not executable")]
    public async Task Outside_a_trial_a_release_that_cannot_be_started_stops_the_launcher_with_the_reason(string release, string reason)
    {
        Directory.CreateDirectory(_layout.ReleaseFolder("3"));
        if (release == "not executable")
        {
            File.WriteAllText(Path.Combine(_layout.ReleaseFolder("3"), HostProgram.NativeName), "#!/bin/sh\n" + Sleeps);
        }

        new CurrentLink(_layout).SwitchTo("3");
        var supervisor = new TrialSupervisor(Options(), [], _log);

        var exit = await supervisor.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, exit);
        Assert.Contains(_log.Lines, line => line.StartsWith("Critical: No host to run", StringComparison.Ordinal) && line.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Switching_current_replaces_the_link_in_one_rename()
    {
        Release("2", Sleeps);
        var link = new CurrentLink(_layout);
        link.SwitchTo("1");
        link.SwitchTo("2");

        Assert.Equal("2", link.Version());
        Assert.Equal(Path.Combine("releases", "2"), new FileInfo(_layout.Current).LinkTarget);
        Assert.False(File.Exists(_layout.Current + ".next"));
    }

    private void Release(string version, string script)
    {
        var folder = Directory.CreateDirectory(_layout.ReleaseFolder(version)).FullName;
        File.WriteAllText(Path.Combine(folder, HostProgram.DllName), script);
    }

    private void NativeRelease(string version, string script) =>
        WriteProgram(Directory.CreateDirectory(_layout.ReleaseFolder(version)).FullName, script);

    private static void WriteProgram(string folder, string script)
    {
        var program = Path.Combine(folder, HostProgram.NativeName);
        File.WriteAllText(program, "#!/bin/sh\n" + script);
        File.SetUnixFileMode(program, (UnixFileMode)0x1ED); // rwxr-xr-x
    }

    private LauncherOptions Options() =>
        new() { InstallRoot = _layout.Root, Dotnet = "/bin/sh", StopGrace = TimeSpan.FromSeconds(2) };

    private void StartTrial(double healthyWithinSeconds, int starts = 0)
    {
        StateFiles.WriteTrial(_layout, new TrialRecord("2", "1", "r1", healthyWithinSeconds, starts));
        new CurrentLink(_layout).SwitchTo("2");
    }

    private async Task<TrialOutcome> RunUntilOutcomeAsync()
    {
        var supervisor = new TrialSupervisor(Options(), [], _log);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var running = supervisor.RunAsync(stop.Token);
        try
        {
            return await Eventually.ReturnsAsync(
                () => Task.FromResult(StateFiles.ReadOutcome(_layout)),
                o => o is not null && !File.Exists(_layout.TrialFile),
                TimeSpan.FromSeconds(20),
                "the trial to end") ?? throw new InvalidOperationException();
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }
}

/// <summary>The launcher's log lines ("Level: message"), for tests that check what a technician would read.</summary>
internal sealed class RecordingLogger : ILogger<TrialSupervisor>
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
}
