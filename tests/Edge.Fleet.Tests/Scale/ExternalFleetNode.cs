using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;

namespace Edge.Fleet.Tests.Scale;

/// <summary>
/// The real fleet server as a child process in external broker mode (<c>--Broker:Mode external</c>), on free
/// loopback ports. Dispose kills it.
/// </summary>
public sealed class ExternalFleetNode : IDisposable
{
    /// <summary>API token of the node's administrator (fleet/Auth: <c>EDGE_ADMIN_TOKEN</c>).</summary>
    private const string AdminToken = "edge-scale-tests-admin-token";

    private ExternalFleetNode(ChildProcess process, int httpPort)
    {
        Process = process;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
        Http.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
    }

    public ChildProcess Process { get; }

    public HttpClient Http { get; }

    /// <summary>Arguments for a node of the given name on the broker's port, plus <paramref name="extra"/> (which may override them).</summary>
    public static string[] Arguments(string name, int httpPort, int brokerPort, string dataDir, params string[] extra) =>
    [
        "--urls", $"http://127.0.0.1:{httpPort}",
        "--Mqtt:Port", FreePort.Next().ToString(),
        "--Mqtt:BindAddress", "127.0.0.1",
        "--Fleet:DataDir", dataDir,
        "--Broker:Mode", "external",
        "--Broker:External:Host", "127.0.0.1",
        "--Broker:External:Port", brokerPort.ToString(),
        "--Broker:External:ClientId", name,
        .. extra,
    ];

    /// <summary>
    /// Starts a node and returns once its API answers and, when <paramref name="waitForBroker"/>, once it is
    /// connected to the broker.
    /// </summary>
    public static async Task<ExternalFleetNode> StartAsync(string name, int brokerPort, string dataDir, bool waitForBroker, params string[] extra)
    {
        var httpPort = FreePort.Next();
        var process = ChildProcess.StartDll(name, RepoPaths.FleetDll, Arguments(name, httpPort, brokerPort, dataDir, extra),
            new Dictionary<string, string> { ["EDGE_ADMIN_TOKEN"] = AdminToken });
        var node = new ExternalFleetNode(process, httpPort);
        try
        {
            await Eventually.TrueAsync(
                async () => !process.HasExited
                            && (!waitForBroker || node.ConnectionsToBroker > 0)
                            && (await node.Http.GetAsync("/api/v1/devices")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30),
                $"{name} serving{(waitForBroker ? " and connected to the broker" : "")}");
        }
        catch (TimeoutException ex)
        {
            var output = process.Output;
            node.Dispose();
            throw new InvalidOperationException($"{ex.Message}\n{output}");
        }

        return node;
    }

    /// <summary>How many times the node has logged a (re)connection to the broker.</summary>
    public int ConnectionsToBroker =>
        Process.Output.Split('\n').Count(l => l.Contains("Connected to broker", StringComparison.Ordinal));

    /// <summary>Events in the batches this node has stored, from its own ingest counters.</summary>
    public async Task<long> EventsStoredAsync()
    {
        var counters = await Http.GetFromJsonAsync<JsonElement>("/api/v1/ingest/counters");
        return counters.GetProperty("events").GetInt64();
    }

    /// <summary>Like MQTTnet's own tests: an error the node logged fails the test even when the assertions passed.</summary>
    public void AssertNoErrorsLogged()
    {
        var errors = Process.Output.Split('\n').Where(l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("crit:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, $"{Process.Name} logged errors:\n{Process.Output}");
    }

    /// <summary>SIGKILL, like a power cut for the process.</summary>
    public void Kill() => Process.Kill();

    public void Dispose()
    {
        Http.Dispose();
        Process.Dispose();
    }
}
