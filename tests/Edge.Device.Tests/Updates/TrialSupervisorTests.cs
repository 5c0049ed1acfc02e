using Edge.Device.Launcher;
using Edge.Device.Updates;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Device.Tests.Updates;

/// <summary>
/// The launcher's decisions with stand-in hosts: each release's "Edge.Device.dll" is a shell script the supervisor
/// runs with /bin/sh instead of dotnet, so a healthy, a crashing and a silent build take milliseconds.
/// </summary>
public sealed class TrialSupervisorTests : IDisposable
{
    private const string Sleeps = "exec sleep 30\n";
    private const string ConfirmsThenSleeps = "printf 2 > \"$Updates__InstallRoot/state/healthy\"\nexec sleep 30\n";

    private readonly TempFolder _folder = new("launcher");
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
        File.WriteAllText(InstallLayout.HostDll(folder), script);
    }

    private void StartTrial(double healthyWithinSeconds, int starts = 0)
    {
        StateFiles.WriteTrial(_layout, new TrialRecord("2", "1", "r1", healthyWithinSeconds, starts));
        new CurrentLink(_layout).SwitchTo("2");
    }

    private async Task<TrialOutcome> RunUntilOutcomeAsync()
    {
        var options = new LauncherOptions { InstallRoot = _layout.Root, Dotnet = "/bin/sh", StopGrace = TimeSpan.FromSeconds(2) };
        var supervisor = new TrialSupervisor(options, [], NullLogger<TrialSupervisor>.Instance);
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
