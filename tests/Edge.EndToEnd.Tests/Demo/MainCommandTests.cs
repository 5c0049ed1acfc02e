using System.Text.Json;
using Edge.Testing;

namespace Edge.EndToEnd.Tests.Demo;

/// <summary>
/// The README's main command (fleet with <c>--Demo:Devices=N</c>) with device authentication on, as shipped: the
/// demo counters are enrolled, provision themselves with their claim codes over HTTP, connect with their own
/// secrets and deliver their citizens' ratings.
/// </summary>
public sealed class MainCommandTests : IDisposable
{
    private readonly TempFolder _folder = new("main-command");
    private FleetRunner? _fleet;

    public void Dispose()
    {
        _fleet?.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Demo_counters_provision_themselves_with_claim_codes_and_their_ratings_arrive()
    {
        _fleet = new FleetRunner(_folder["fleet"], "--Demo:Devices=2", $"--Demo:FirstLocalPort={FreePort.NextRun(2)}", "--Demo:PressIntervalMs=200");
        await _fleet.StartAsync();

        var devices = new List<JsonElement>();
        try
        {
            devices = await Eventually.ReturnsAsync(
                async () => (await _fleet.GetJsonAsync("/api/v1/devices")).EnumerateArray().ToList(),
                list => list.Count(d => d.GetProperty("online").GetBoolean() && d.GetProperty("upTo").GetInt64() > 6) == 2,
                TimeSpan.FromSeconds(90),
                "both demo counters online with ratings stored");
        }
        catch (TimeoutException ex)
        {
            Assert.Fail($"{ex.Message}\n{await _fleet.GetJsonAsync("/api/v1/devices")}\n{_fleet.Output}");
        }

        var audit = await _fleet.GetJsonAsync("/api/v1/audit?limit=200");

        Assert.Equal(["demo-1", "demo-2"], devices.Select(d => d.GetProperty("id").GetString()).Order());
        Assert.All(devices, d => Assert.Equal("demo-centre", d.GetProperty("centre").GetString()));
        Assert.True((await _fleet.GetJsonAsync("/api/v1/stats/ratings")).GetProperty("total").GetInt64() > 0);
        var provisioned = audit.EnumerateArray().Where(e => e.GetProperty("action").GetString() == "device.provisioned").Select(e => e.GetProperty("subject").GetString()).ToList();
        Assert.Contains("demo-1", provisioned);
        Assert.Contains("demo-2", provisioned);
        Assert.DoesNotContain("Refused MQTT connection", _fleet.Output); // devices wait for their secret before connecting
        Assert.True(File.Exists(Path.Combine(_folder["fleet"], "demo", "demo-1", "identity.json")), "the device keeps its identity for the next start");
    }
}
