using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Scale;

/// <summary>
/// The load generator (tests/Edge.LoadGen) as a real process against a real fleet: a few simulated devices at a
/// low rate, then a reconnect storm with a backlog each. Device authentication is on, as shipped: each simulated
/// device is enrolled and provisioned by claim code first, and the load generator connects it with its own secret
/// (<c>--Passwords:{id}=...</c>), as the soak does.
/// </summary>
public sealed class LoadGeneratorTests(ITestOutputHelper output)
{
    /// <summary>Provisioned one by one from loopback: keep it under the fleet's 30 provisioning attempts per address and minute.</summary>
    private const int Devices = 20;

    [Fact]
    public async Task Load_generator_storm_against_the_fleet_gets_every_event_stored_once_and_acked()
    {
        using var folder = new TempFolder("loadgen-smoke");
        using var fleet = new FleetRunner(folder["fleet"]);
        await fleet.StartAsync();
        var passwords = new List<string>();
        for (var i = 1; i <= Devices; i++)
        {
            // The load generator's ids (its default prefix and a five-digit number), one counter each.
            var id = $"lg-{i:D5}";
            var credentials = await fleet.ProvisionAsync(FleetRunner.DefaultCentre, $"{i}", id);
            passwords.Add($"--Passwords:{id}={credentials.Secret}");
        }

        using var load = ChildProcess.StartDll("loadgen", RepoPaths.LoadGenDll,
        [
            $"--Port={fleet.MqttPort}",
            $"--Devices={Devices}",
            "--Rate=200",
            "--Duration=00:00:03",
            "--Mode=storm",
            "--StormBacklog=25",
            "--DrainTimeout=00:01:00",
            .. passwords,
        ]);
        var exitCode = await load.WaitForExitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine(load.Output);
        Assert.True(exitCode == 0, $"load generator exited with {exitCode}:\n{load.Output}\n{fleet.Output}");

        var numbered = long.Parse(ReportValue(load.Output, "events numbered"));
        Assert.Equal(numbered, long.Parse(ReportValue(load.Output, "events acked")));
        Assert.True(numbered >= Devices * 25 + 400, $"only {numbered} events numbered");
        Assert.DoesNotContain("not within", ReportValue(load.Output, "storm drained"), StringComparison.Ordinal);

        // Nothing lost, nothing doubled: the fleet counts each (device, seq) once.
        var ratings = await fleet.Http.GetFromJsonAsync<JsonElement>("/api/v1/stats/ratings");
        Assert.Equal(numbered, ratings.GetProperty("total").GetInt64());
        // Every device got in with its own secret the first time and on the storm's reconnect.
        var security = await fleet.Http.GetFromJsonAsync<JsonElement>("/api/v1/security/counters");
        Assert.Empty(security.GetProperty("connectRefused").EnumerateObject());
    }

    private static string ReportValue(string output, string key) =>
        output.Split('\n')
            .Select(l => l.Replace("[loadgen] ", "", StringComparison.Ordinal))
            .FirstOrDefault(l => l.StartsWith(key + ": ", StringComparison.Ordinal))?[(key.Length + 2)..].Trim()
        ?? throw new InvalidOperationException($"no '{key}' in the load generator's report:\n{output}");
}
