using Edge.Testing;

namespace Edge.Fleet.Tests.Support;

/// <summary>What the fleet's own tests add to <see cref="FleetRunner"/>.</summary>
public static class FleetStart
{
    /// <summary>
    /// Starts a fleet on <paramref name="dataDir"/> and returns once its API and its broker both answer. Devices
    /// connect without credentials (<c>Security:DeviceAuth=open</c>): these tests are about ingest, not about
    /// who may publish (fleet/Auth has its own tests).
    /// </summary>
    public static async Task<FleetRunner> StartFleetAsync(string dataDir)
    {
        var fleet = new FleetRunner(dataDir, "--Security:DeviceAuth=open");
        try
        {
            await fleet.StartAsync();
            await using var probe = await TestDevice.ConnectAsync(fleet.MqttPort, "probe");
            return fleet;
        }
        catch (Exception ex)
        {
            var output = fleet.Output;
            fleet.Dispose();
            throw new InvalidOperationException("The fleet did not start:\n" + output, ex);
        }
    }

    /// <summary>Like MQTTnet's own tests: an error the fleet logged fails the test even when the assertions passed.</summary>
    public static void AssertNoErrorsLogged(this FleetRunner fleet)
    {
        var errors = fleet.Output.Split('\n').Where(l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("crit:", StringComparison.Ordinal));
        Assert.True(!errors.Any(), "The fleet logged errors:\n" + fleet.Output);
    }
}
