using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Spine;

/// <summary>
/// A button press becomes a stored event exactly once: real fleet and device processes, real MQTT over loopback,
/// real LiteDB files, presses through the simulated GpioDriver.
/// </summary>
public sealed class SpineTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(120);

    // Buttons are numbered best first: button 1 is level 4 (Rất hài lòng) ... button 4 is level 1.
    private static readonly int[] PressesPerButton = [400, 300, 200, 100];

    private readonly TempFolder _folder = new("spine");
    private readonly List<IDisposable> _started = [];

    public void Dispose()
    {
        foreach (var process in _started)
        {
            process.Dispose();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task Thousand_presses_reach_the_fleet_once_with_the_right_levels()
    {
        var fleet = await StartFleetAsync();
        var device = await StartDeviceAsync("counter-a", fleet.MqttPort);

        // No contact bounce here: on a loaded 2-core machine a bounce stretched past the debounce time by preemption
        // is indistinguishable from a real press. Bounce is covered by the GpioButton tests.
        await PressAllAsync(device, bounce: 0);

        await AssertStoredExactlyOnceAsync(fleet, device);
    }

    [Fact]
    public async Task Presses_during_a_fleet_outage_are_stored_once_after_it_returns()
    {
        var fleet = await StartFleetAsync();
        var device = await StartDeviceAsync("counter-b", fleet.MqttPort);

        // A third of the presses with the fleet up, a third while it is down, the rest after it restarts.
        await PressShareAsync(device, 0, 3);
        fleet.Kill();
        await PressShareAsync(device, 1, 3);
        var whileDown = await device.StatusAsync();
        Assert.False(whileDown.GetProperty("connected").GetBoolean());
        Assert.True(whileDown.GetProperty("outboxDepth").GetInt64() > 0, "presses made while the fleet is down wait in the outbox");
        await fleet.StartAsync();
        await PressShareAsync(device, 2, 3);

        await AssertStoredExactlyOnceAsync(fleet, device);
    }

    [Fact]
    public async Task Device_killed_while_draining_loses_and_doubles_nothing()
    {
        var fleet = new FleetRunner(_folder["fleet"]);
        _started.Add(fleet);

        // Small batches and a small window so the drain takes long enough to be interrupted.
        var device = await StartDeviceAsync("counter-c", fleet.MqttPort, "--Uplink:BatchMaxEvents=5", "--Uplink:MaxUnackedEvents=5");
        await PressAllAsync(device, bounce: 0);
        var beforeFleet = await device.StatusAsync();
        Assert.Equal(CreatedEvents(beforeFleet), beforeFleet.GetProperty("outboxDepth").GetInt64());
        Assert.True(CreatedEvents(beforeFleet) >= 1000, "every press waits in the outbox");

        await fleet.StartAsync();
        var atKill = await Eventually.ReturnsAsync(
            async () => (await fleet.DeviceAsync(device.Id))?.GetProperty("upTo").GetInt64() ?? 0,
            upTo => upTo >= 50,
            Drain,
            "the drain to start");
        device.Kill();
        var afterKill = (await fleet.DeviceAsync(device.Id))!.Value.GetProperty("upTo").GetInt64();
        output.WriteLine($"killed the device at fleet upTo {atKill} (then {afterKill}) of 1000");
        Assert.True(afterKill < CreatedEvents(beforeFleet), "the kill must land in the middle of the drain");

        await device.StartAsync();
        await AssertStoredExactlyOnceAsync(fleet, device);
    }

    [Fact]
    public async Task Outbox_file_returns_near_its_idle_size_after_a_large_backlog_drains()
    {
        var fleet = new FleetRunner(_folder["fleet"]);
        _started.Add(fleet);
        var device = await StartDeviceAsync("counter-d", fleet.MqttPort);
        var idle = (await device.StatusAsync()).GetProperty("outboxFileBytes").GetInt64();

        await FloodAsync(device, 100_000);
        var full = (await device.StatusAsync()).GetProperty("outboxFileBytes").GetInt64();
        await fleet.StartAsync();
        await Eventually.TrueAsync(
            async () => (await device.StatusAsync()).GetProperty("outboxDepth").GetInt64() == 0,
            TimeSpan.FromMinutes(5),
            "the 100,000-event backlog to drain");
        var after = await Eventually.ReturnsAsync(
            async () => (await device.StatusAsync()).GetProperty("outboxFileBytes").GetInt64(),
            bytes => bytes < idle + 512 * 1024,
            TimeSpan.FromSeconds(60),
            "the outbox file to shrink");

        output.WriteLine($"outbox file: idle {idle} B, with 100,000 events {full} B, drained {after} B");
        Assert.True(full > 4 * 1024 * 1024, "the backlog really filled the file");
        var stored = await fleet.DeviceAsync(device.Id);
        var created = CreatedEvents(await device.StatusAsync());
        Assert.True(created >= 100_000, "the flood and the start-up peripheral reports");
        Assert.Equal(created, stored!.Value.GetProperty("upTo").GetInt64());
    }

    /// <summary>Every event the device has numbered so far: ratings plus its own peripheral reports.</summary>
    private static long CreatedEvents(JsonElement status) => status.GetProperty("nextSeq").GetInt64() - 1;

    private async Task<FleetRunner> StartFleetAsync()
    {
        var fleet = new FleetRunner(_folder["fleet"]);
        _started.Add(fleet);
        await fleet.StartAsync();
        return fleet;
    }

    private async Task<DeviceRunner> StartDeviceAsync(string id, int mqttPort, params string[] args)
    {
        var device = new DeviceRunner(id, _folder[id], mqttPort, ["--Device:Counter=7", .. args]);
        _started.Add(device);
        await device.StartAsync();
        return device;
    }

    private static Task PressAllAsync(DeviceRunner device, int bounce) =>
        Task.WhenAll(PressesPerButton.Select((count, i) => device.PressAsync(i + 1, count, bounce)));

    private static Task PressShareAsync(DeviceRunner device, int part, int parts) =>
        Task.WhenAll(PressesPerButton.Select((count, i) =>
        {
            var share = count / parts + (part == parts - 1 ? count % parts : 0);
            return device.PressAsync(i + 1, share);
        }));

    private static async Task FloodAsync(DeviceRunner device, int count)
    {
        using var response = await device.Http.PostAsync($"/sim/flood?count={count}", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task AssertStoredExactlyOnceAsync(FleetRunner fleet, DeviceRunner device)
    {
        try
        {
            await Eventually.TrueAsync(
                async () => (await device.StatusAsync()).GetProperty("outboxDepth").GetInt64() == 0,
                Drain,
                "the device's outbox to drain to 0");

            var stats = await fleet.GetJsonAsync("/api/v1/stats/ratings?counter=7");
            var byLevel = stats.GetProperty("byLevel");
            Assert.Equal(1000, stats.GetProperty("total").GetInt64());
            Assert.Equal(400, byLevel.GetProperty("4").GetInt64());
            Assert.Equal(300, byLevel.GetProperty("3").GetInt64());
            Assert.Equal(200, byLevel.GetProperty("2").GetInt64());
            Assert.Equal(100, byLevel.GetProperty("1").GetInt64());
            Assert.Equal(0.7, stats.GetProperty("index").GetDouble(), 6);

            // Besides the 1,000 ratings the device reports its peripherals at start-up: every event it made is stored.
            var seen = (await fleet.DeviceAsync(device.Id))!.Value;
            Assert.Equal(CreatedEvents(await device.StatusAsync()), seen.GetProperty("upTo").GetInt64());
            Assert.Equal(0, seen.GetProperty("missing").GetInt64());
            output.WriteLine($"device {device.Id}: {seen}");
        }
        catch
        {
            output.WriteLine(fleet.Output);
            output.WriteLine(device.Output);
            throw;
        }
    }
}
