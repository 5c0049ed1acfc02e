using System.Net.Sockets;
using Edge.Testing;

namespace Edge.Fleet.Tests.Support;

/// <summary>What the fleet's own tests add to <see cref="FleetRunner"/>.</summary>
public static class FleetStart
{
    /// <summary>
    /// Starts a fleet on <paramref name="dataDir"/> as it ships (devices must authenticate) and returns once its API
    /// and its broker both answer. Its devices connect through <see cref="ProvisionAndConnectAsync"/>.
    /// </summary>
    public static Task<FleetRunner> StartFleetAsync(string dataDir) => StartAsync(new FleetRunner(dataDir));

    /// <summary>
    /// Starts a fleet with <c>Security:DeviceAuth=open</c>, for the tests of what that mode itself does (any client
    /// may connect and subscribe); its devices connect with <see cref="TestDevice.ConnectAsync(int, string, bool)"/>.
    /// </summary>
    public static Task<FleetRunner> StartOpenFleetAsync(string dataDir) => StartAsync(new FleetRunner(dataDir, "--Security:DeviceAuth=open"));

    /// <summary>
    /// Enrols <paramref name="deviceId"/> at <paramref name="counter"/> of <see cref="FleetRunner.DefaultCentre"/>,
    /// redeems its claim code as the device would, and connects it with the secret it got. The fleet files every event
    /// of the device under the registry's counter, whatever the events say.
    /// </summary>
    public static async Task<TestDevice> ProvisionAndConnectAsync(this FleetRunner fleet, string deviceId, string counter = "c1", bool subscribeToAcks = true)
    {
        var credentials = await fleet.ProvisionAsync(FleetRunner.DefaultCentre, counter, deviceId);
        return await TestDevice.ConnectAsync(fleet.MqttPort, credentials, subscribeToAcks);
    }

    /// <summary>Like MQTTnet's own tests: an error the fleet logged fails the test even when the assertions passed.</summary>
    public static void AssertNoErrorsLogged(this FleetRunner fleet)
    {
        var errors = fleet.Output.Split('\n').Where(l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("crit:", StringComparison.Ordinal));
        Assert.True(!errors.Any(), "The fleet logged errors:\n" + fleet.Output);
    }

    /// <summary>Starts <paramref name="fleet"/> (made with the arguments a test needs) and returns once its API and broker answer.</summary>
    public static async Task<FleetRunner> StartAsync(FleetRunner fleet)
    {
        try
        {
            await fleet.StartAsync();

            // The broker's port taking a connection is enough: an MQTT probe without credentials would be refused and counted.
            using var probe = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await probe.ConnectAsync("127.0.0.1", fleet.MqttPort, timeout.Token);
            return fleet;
        }
        catch (Exception ex)
        {
            var output = fleet.Output;
            fleet.Dispose();
            throw new InvalidOperationException("The fleet did not start:\n" + output, ex);
        }
    }
}
