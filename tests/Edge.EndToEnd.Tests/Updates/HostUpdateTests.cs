using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Updates;

/// <summary>
/// Host updates with real builds (<see cref="HostBuilds"/>): a fleet process, and a device run the way systemd runs it
/// on a Pi — the launcher (edge-launcher) starting <c>{root}/current</c> — on simulated GPIO. Presses go on before,
/// during and after each update; every one of them must be stored at the fleet exactly once.
/// </summary>
public sealed class HostUpdateTests(HostBuilds builds, ITestOutputHelper output) : IClassFixture<HostBuilds>, IDisposable
{
    private const string Counter = "7";

    private readonly TempFolder _folder = new("updates");
    private readonly List<IDisposable> _started = [];

    public void Dispose()
    {
        foreach (var started in Enumerable.Reverse(_started))
        {
            started.Dispose();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task A_good_update_in_the_maintenance_window_switches_and_reports_the_new_version()
    {
        output.WriteLine($"three host builds took {builds.BuildSeconds:0.0} s");
        var (fleet, device) = await StartAsync("upd-good");
        await builds.UploadAsync(fleet.Http, HostBuilds.Good);

        var (target, took) = await RollOutWhilePressingAsync(fleet, device, HostBuilds.Good, "healthy");

        output.WriteLine($"update to {HostBuilds.Good}: healthy {took.TotalSeconds:0.0} s after the rollout started");
        Assert.Equal(HostBuilds.Good, target.GetProperty("hostVersion").GetString());
        Assert.Equal(HostBuilds.Good, Path.GetFileName(new FileInfo(device.Root + "/current").LinkTarget));
        await Eventually.ReturnsAsync(
            async () => (await fleet.GetJsonAsync($"/api/v1/rollouts/{target.GetProperty("rolloutId").GetString()}")).GetProperty("status").GetString(),
            s => s == "completed", TimeSpan.FromSeconds(30), "the rollout to complete");
        await device.AssertStoredExactlyOnceAsync(fleet);
    }

    [Fact]
    public async Task An_update_that_never_confirms_its_health_is_rolled_back_by_the_device_alone()
    {
        var (fleet, device) = await StartAsync("upd-faulty");
        await builds.UploadAsync(fleet.Http, HostBuilds.Faulty);

        var (target, took) = await RollOutWhilePressingAsync(fleet, device, HostBuilds.Faulty, "rolled-back");

        output.WriteLine($"update to the faulty {HostBuilds.Faulty}: rolled back and reported {took.TotalSeconds:0.0} s after the rollout started ({target})");
        Assert.Contains("did not confirm its health", target.GetProperty("reason").GetString());
        Assert.Equal(HostBuilds.Installed, target.GetProperty("hostVersion").GetString());
        Assert.Equal(HostBuilds.Installed, Path.GetFileName(new FileInfo(device.Root + "/current").LinkTarget));
        Assert.False(Directory.Exists(Path.Combine(device.Root, "releases", HostBuilds.Faulty)));
        var rollout = await fleet.GetJsonAsync($"/api/v1/rollouts/{target.GetProperty("rolloutId").GetString()}");
        Assert.Equal("halted", rollout.GetProperty("status").GetString());
        await device.AssertStoredExactlyOnceAsync(fleet);
    }

    [Fact]
    public async Task A_badly_signed_release_is_refused_with_the_reason_and_nothing_is_installed()
    {
        var (fleet, device) = await StartAsync("upd-badsig");
        await builds.UploadAsync(fleet.Http, HostBuilds.BadlySigned);
        var before = (await device.StatusAsync()).GetProperty("connects").GetInt64();

        var (target, _) = await RollOutWhilePressingAsync(fleet, device, HostBuilds.BadlySigned, "refused");

        Assert.Contains("signature does not verify", target.GetProperty("reason").GetString());
        Assert.Equal(HostBuilds.Installed, target.GetProperty("hostVersion").GetString());
        Assert.Equal(HostBuilds.Installed, Path.GetFileName(new FileInfo(device.Root + "/current").LinkTarget));
        Assert.False(Directory.Exists(Path.Combine(device.Root, "releases", HostBuilds.BadlySigned)));
        Assert.False(Directory.Exists(Path.Combine(device.Root, "incoming")) && Directory.EnumerateFileSystemEntries(Path.Combine(device.Root, "incoming")).Any());
        Assert.Equal(before, (await device.StatusAsync()).GetProperty("connects").GetInt64()); // never restarted
        await device.AssertStoredExactlyOnceAsync(fleet);
    }

    private async Task<(FleetRunner Fleet, LaunchedDevice Device)> StartAsync(string deviceId)
    {
        var fleet = new FleetRunner(_folder["fleet"], "--Releases:TickSeconds=1", $"--Alerts:Defaults:OpeningHours={MaintenanceWindowNow.OpeningHours()}");
        _started.Add(fleet);
        await fleet.StartAsync();
        var credentials = await fleet.ProvisionAsync(FleetRunner.DefaultCentre, Counter, deviceId);
        var device = new LaunchedDevice(builds, _folder[deviceId], credentials, fleet.MqttPort, Counter);
        _started.Add(device);
        await device.StartAsync();
        return (fleet, device);
    }

    /// <summary>Presses before, during and after the rollout; returns the device's rollout entry once it reached <paramref name="state"/>.</summary>
    private async Task<(JsonElement Target, TimeSpan Took)> RollOutWhilePressingAsync(FleetRunner fleet, LaunchedDevice device, string version, string state)
    {
        await device.PressAsync(40);
        using var pressing = new CancellationTokenSource();
        var during = device.KeepPressingAsync(pressing.Token);
        var watch = Stopwatch.StartNew();
        using var response = await fleet.Http.PostAsJsonAsync("/api/v1/rollouts", new { version, devices = new[] { device.Id } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var rolloutId = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        try
        {
            var target = await Eventually.ReturnsAsync(
                async () => (await fleet.GetJsonAsync($"/api/v1/rollouts/{rolloutId}")).GetProperty("devices")[0],
                t => t.GetProperty("state").GetString() == state,
                TimeSpan.FromSeconds(120),
                $"{device.Id} to report {state}");
            var took = watch.Elapsed;
            await pressing.CancelAsync();
            await during;
            await device.WaitUntilServingAsync();
            await device.PressAsync(40);
            using var withId = JsonDocument.Parse(target.GetRawText().TrimEnd('}') + $",\"rolloutId\":\"{rolloutId}\"}}");
            return (withId.RootElement.Clone(), took);
        }
        catch
        {
            output.WriteLine(fleet.Output);
            output.WriteLine(device.Output);
            throw;
        }
    }
}
