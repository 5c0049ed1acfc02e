using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;

namespace Edge.Fleet.Tests.Support;

/// <summary>
/// The real fleet server as a child process on loopback, with free ports and a data folder the test owns.
/// Dispose kills it: every test stops what it starts.
/// </summary>
public sealed class FleetProcess : IDisposable
{
    private FleetProcess(ChildProcess process, int httpPort, int mqttPort, string dataDir)
    {
        Process = process;
        MqttPort = mqttPort;
        DataDir = dataDir;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public ChildProcess Process { get; }

    public HttpClient Http { get; }

    public int MqttPort { get; }

    public string DataDir { get; }

    public string StorePath => Path.Combine(DataDir, "fleet.db");

    /// <summary>Arguments as a person would type them; <paramref name="extra"/> may override any of them.</summary>
    public static string[] Arguments(int httpPort, int mqttPort, string dataDir, params string[] extra) =>
    [
        "--urls", $"http://127.0.0.1:{httpPort}",
        "--Mqtt:Port", mqttPort.ToString(),
        "--Mqtt:BindAddress", "127.0.0.1",
        "--Fleet:DataDir", dataDir,
        .. extra,
    ];

    /// <summary>Starts the fleet and returns once both its HTTP API and its broker answer.</summary>
    public static async Task<FleetProcess> StartAsync(string dataDir, int? mqttPort = null)
    {
        var httpPort = FreePort.Next();
        var port = mqttPort ?? FreePort.Next();
        var process = ChildProcess.StartDll("fleet", RepoPaths.FleetDll, Arguments(httpPort, port, dataDir));
        var fleet = new FleetProcess(process, httpPort, port, dataDir);
        try
        {
            await Eventually.TrueAsync(
                async () => !process.HasExited && (await fleet.Http.GetAsync("/api/v1/devices")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30),
                "the fleet's API");
            await using var probe = await TestDevice.ConnectAsync(port, "probe");
        }
        catch
        {
            var output = process.Output;
            fleet.Dispose();
            throw new InvalidOperationException("The fleet did not start:\n" + output);
        }

        return fleet;
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode}\n{Process.Output}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The device as <c>GET /api/v1/devices</c> lists it, or null when it is not listed.</summary>
    public async Task<JsonElement?> GetDeviceAsync(string deviceId)
    {
        var devices = await GetJsonAsync("/api/v1/devices");
        return devices.EnumerateArray().Where(d => d.GetProperty("id").GetString() == deviceId).Select(d => (JsonElement?)d).FirstOrDefault();
    }

    /// <summary>Like MQTTnet's own tests: an error the fleet logged fails the test even when the assertions passed.</summary>
    public void AssertNoErrorsLogged()
    {
        var errors = Process.Output.Split('\n').Where(l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("crit:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, "The fleet logged errors:\n" + Process.Output);
    }

    /// <summary>SIGKILL, like a power cut for the process.</summary>
    public void Kill() => Process.Kill();

    public void Dispose()
    {
        Http.Dispose();
        Process.Dispose();
    }
}
