using Edge.Fleet.Tests.Support;
using Edge.Testing;

namespace Edge.Fleet.Tests.Scale;

/// <summary>A fleet node in external broker mode on its own: reconnecting to the broker, and refusing bad settings.</summary>
public sealed class ExternalModeTests : IDisposable
{
    private readonly TempFolder _data = new("external-mode");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Node_started_before_the_broker_connects_when_it_comes_and_again_after_a_broker_restart()
    {
        var brokerPort = FreePort.Next();
        using var node = await ExternalFleetNode.StartAsync("node", brokerPort, _data["node"], waitForBroker: false);
        await Task.Delay(1000);
        Assert.Equal(0, node.ConnectionsToBroker);

        using (var broker = await ThrowawayMosquitto.StartAsync(port: brokerPort))
        {
            await Eventually.TrueAsync(() => Task.FromResult(node.ConnectionsToBroker == 1), TimeSpan.FromSeconds(40), "the node connected");
            await using var device = await TestDevice.ConnectAsync(brokerPort, "dev-r");
            await device.PublishEventsAsync(Events.Ratings(1, 5));
            Assert.Equal(5, await device.WaitForAckAsync(5));
        }

        using (var restarted = await ThrowawayMosquitto.StartAsync(port: brokerPort))
        {
            // A broker without persistence forgot the node's subscriptions: the node must subscribe again.
            await Eventually.TrueAsync(() => Task.FromResult(node.ConnectionsToBroker == 2), TimeSpan.FromSeconds(40), "the node reconnected");
            await using var device = await TestDevice.ConnectAsync(brokerPort, "dev-r");
            await device.PublishEventsAsync(Events.Ratings(6, 10));
            Assert.Equal(10, await device.WaitForAckAsync(10));
        }

        node.AssertNoErrorsLogged();
    }

    [Theory]
    [InlineData("error: Store:Kind must be 'lite' or 'postgres' (got 'sqlite')", "--Store:Kind", "sqlite")]
    [InlineData("error: Store:Postgres:ConnectionString is required", "--Store:Kind", "postgres")]
    [InlineData("error: Broker:Mode must be 'embedded' or 'external' (got 'cluster')", "--Broker:Mode", "cluster")]
    [InlineData("error: Broker:External:Port must be 1-65535 (got 0)", "--Broker:Mode", "external", "--Broker:External:Port", "0")]
    [InlineData("error: Broker:External:SharedGroup must be letters", "--Broker:Mode", "external", "--Broker:External:SharedGroup", "a/b")]
    public async Task Bad_scale_setting_stops_start_up_with_one_line_naming_the_key(string expected, params string[] settings)
    {
        var lines = await RunUntilExitAsync(settings);

        Assert.Contains(expected, lines[^1]);
    }

    [Fact]
    public async Task Unreachable_database_stops_start_up_naming_the_connection_string()
    {
        var lines = await RunUntilExitAsync(
            "--Store:Kind", "postgres", "--Store:Postgres:ConnectionString", $"Host=127.0.0.1;Port={FreePort.Next()};Username=edge;Timeout=3");

        Assert.Contains("error: Store:Postgres:ConnectionString names a database this node cannot use", lines[^1]);
    }

    /// <summary>Runs a node with <paramref name="settings"/>; asserts exit code 2 and returns what it printed.</summary>
    private async Task<List<string>> RunUntilExitAsync(params string[] settings)
    {
        string[] args =
        [
            "--urls", $"http://127.0.0.1:{FreePort.Next()}",
            "--Mqtt:Port", FreePort.Next().ToString(),
            "--Mqtt:BindAddress", "127.0.0.1",
            "--Fleet:DataDir", _data["fleet"],
            .. settings,
        ];
        using var fleet = ChildProcess.StartDll("fleet", RepoPaths.FleetDll, args);

        var exitCode = await fleet.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(100);

        Assert.True(exitCode == Edge.Fleet.Hosting.FleetLauncher.BadConfiguration, $"exit code {exitCode}:\n{fleet.Output}");
        return fleet.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
