using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Spine;

/// <summary>
/// A device host restarted on a damaged or lost outbox file: it must come up (no crash loop), raise the alarm that
/// reaches the fleet, and lose no press it answered, nor let the fleet take its new events for old ones.
/// </summary>
public class DamagedOutboxTests : IDisposable
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(120);
    private readonly ITestOutputHelper _output;
    private readonly TempFolder _folder = new("outbox-e2e");
    private readonly List<IDisposable> _started = [];

    public DamagedOutboxTests(ITestOutputHelper output)
        : this(output, DeviceProgram.Default)
    {
    }

    /// <summary>The same tests on another device host program (tests/Edge.EndToEnd.Tests/NativeHost).</summary>
    protected DamagedOutboxTests(ITestOutputHelper output, DeviceProgram program)
    {
        _output = output;
        Program = program;
    }

    /// <summary>The device host program every device of these tests runs.</summary>
    protected DeviceProgram Program { get; }

    public void Dispose()
    {
        foreach (var process in _started)
        {
            process.Dispose();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task Outbox_lost_after_delivery_keeps_every_new_press_and_raises_the_alarm()
    {
        var fleet = await StartFleetAsync();
        var device = await StartDeviceAsync("counter-lost", fleet.MqttPort);
        try
        {
            await device.PressAsync(1, 20);
            await DrainedAsync(device);
            device.Kill();

            // The outbox, its log, its journal and its seq mark are gone (identity.json stays: the device keeps its credentials).
            File.Delete(Path.Combine(device.DataDir, "outbox.db"));
            File.Delete(Path.Combine(device.DataDir, "outbox-log.db"));
            File.Delete(Path.Combine(device.DataDir, "outbox.journal"));
            File.Delete(Path.Combine(device.DataDir, "outbox.seq"));
            await device.StartAsync();
            await device.PressAsync(2, 10);
            await DrainedAsync(device);

            var stats = await fleet.GetJsonAsync("/api/v1/stats/ratings?counter=5");
            Assert.Equal(30, stats.GetProperty("total").GetInt64());
            Assert.Equal(10, stats.GetProperty("byLevel").GetProperty("3").GetInt64());
            var seen = (await fleet.DeviceAsync(device.Id))!.Value;
            Assert.Equal(0, seen.GetProperty("missing").GetInt64());
            Assert.Contains("fleet already had events", Fault(await device.StatusAsync(), "storage-corrupt"), StringComparison.Ordinal);
        }
        catch
        {
            Dump(fleet, device);
            throw;
        }
    }

    [Fact]
    public async Task Garbage_in_the_outbox_is_quarantined_its_pending_presses_salvaged_and_the_device_keeps_working()
    {
        var fleet = await StartFleetAsync();
        var device = await StartDeviceAsync("counter-garbage", fleet.MqttPort);
        try
        {
            await device.PressAsync(1, 10);
            await DrainedAsync(device);
            fleet.Kill();
            await device.PressAsync(4, 5); // pending: the fleet is down
            device.Kill();

            var garbage = new byte[4096];
            new Random(7).NextBytes(garbage);
            using (var file = File.OpenWrite(Path.Combine(device.DataDir, "outbox.db")))
            {
                file.Write(garbage);
            }

            await device.StartAsync(); // answers its local endpoint: no crash loop
            var status = await device.StatusAsync();
            Assert.Contains("damaged", Fault(status, "storage-corrupt"), StringComparison.Ordinal);
            Assert.Single(Directory.GetFiles(device.DataDir, "outbox.db.corrupt-*"), f => !f.EndsWith("-log", StringComparison.Ordinal));

            await device.PressAsync(2, 7);
            await fleet.StartAsync();
            await DrainedAsync(device);

            var stats = await fleet.GetJsonAsync("/api/v1/stats/ratings?counter=5");
            Assert.Equal(22, stats.GetProperty("total").GetInt64());
            Assert.Equal(5, stats.GetProperty("byLevel").GetProperty("1").GetInt64());
            Assert.Equal(7, stats.GetProperty("byLevel").GetProperty("3").GetInt64());
            var seen = (await fleet.DeviceAsync(device.Id))!.Value;
            Assert.Equal(0, seen.GetProperty("missing").GetInt64());
        }
        catch
        {
            Dump(fleet, device);
            throw;
        }
    }

    private static string Fault(JsonElement status, string name) =>
        status.TryGetProperty("faults", out var faults) && faults.ValueKind == JsonValueKind.Object && faults.TryGetProperty(name, out var detail)
            ? detail.GetString() ?? ""
            : $"(no {name} fault in {status})";

    private static Task DrainedAsync(DeviceRunner device) =>
        Eventually.TrueAsync(
            async () => (await device.StatusAsync()) is var s && s.GetProperty("outboxDepth").GetInt64() == 0 && !s.GetProperty("outboxAwaitingFleetSeq").GetBoolean(),
            Drain,
            "the device's outbox to drain to 0");

    private void Dump(FleetRunner fleet, DeviceRunner device)
    {
        _output.WriteLine(fleet.Output);
        _output.WriteLine(device.Output);
    }

    private async Task<FleetRunner> StartFleetAsync()
    {
        var fleet = new FleetRunner(_folder["fleet"]);
        _started.Add(fleet);
        await fleet.StartAsync();
        return fleet;
    }

    private async Task<DeviceRunner> StartDeviceAsync(string id, int mqttPort)
    {
        var device = new DeviceRunner(id, _folder[id], mqttPort, "--Device:Counter=5") { Program = Program };
        _started.Add(device);
        await device.StartAsync();
        return device;
    }
}
