using System.Net.Http.Json;
using System.Text.Json;
using Edge.EndToEnd.Tests.RemoteConfig;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.Commands;

/// <summary>Commands from a real fleet to real simulated devices over the real broker.</summary>
public sealed class CommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly RemoteSite _site = new("commands");

    public void Dispose()
    {
        output.WriteLine(_site.Outputs());
        _site.Dispose();
    }

    [Fact]
    public async Task Test_print_prints_a_test_ticket_with_the_centre_name_set_from_the_fleet_on_the_virtual_printer()
    {
        await _site.Fleet.StartAsync();
        var device = _site.NewDevice("cmd-print");
        await device.StartAsync();

        // The ticket header is a live key: set it from the fleet, no restart.
        var put = await _site.PutDeviceConfigAsync(device.Id, new Dictionary<string, object> { ["Printer:CentreName"] = "UBND xa Tien Phong" });
        await _site.ReportedAsync(device.Id, v => v.GetProperty("reported").GetProperty("appliedVersion").GetInt64() == put.GetProperty("revision").GetInt64(), "the header applied");

        var sent = await _site.SendCommandAsync(device.Id, "test-print", timeoutSeconds: 30);
        Assert.Equal("pending", sent.GetProperty("state").GetString());
        var done = await _site.CommandStateAsync(device.Id, sent.GetProperty("id").GetString()!, s => s is "succeeded" or "failed" or "timed-out", "the test print to finish");
        output.WriteLine($"{done.GetProperty("state").GetString()}: {done.GetProperty("detail").GetString()}");
        Assert.Equal("succeeded", done.GetProperty("state").GetString());

        var printer = await device.Http.GetFromJsonAsync<JsonElement>("/sim/printer");
        var page = Assert.Single(printer.GetProperty("pages").EnumerateArray()).GetString()!;
        output.WriteLine(page);
        Assert.Contains("UBND xa Tien Phong", page);
        Assert.Contains("0000", page);
    }

    [Fact]
    public async Task A_command_sent_while_the_device_is_offline_runs_once_when_it_reconnects()
    {
        await _site.Fleet.StartAsync();
        var device = _site.NewDevice("cmd-offline");
        await device.StartAsync();
        await Eventually.TrueAsync(async () => (await _site.Fleet.DeviceAsync(device.Id)) is { } d && d.GetProperty("online").GetBoolean(), RemoteSite.Settle, "the device online");
        device.Kill();

        var sent = await _site.SendCommandAsync(device.Id, "display-test", timeoutSeconds: 30, expiresInSeconds: 300);
        var id = sent.GetProperty("id").GetString()!;
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal("pending", (await _site.CommandAsync(device.Id, id)).GetProperty("state").GetString());

        await device.StartAsync();
        var done = await _site.CommandStateAsync(device.Id, id, s => s is "succeeded" or "failed" or "timed-out", "the command to run after reconnecting");
        output.WriteLine($"{done.GetProperty("state").GetString()}: {done.GetProperty("detail").GetString()}");
        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        Assert.Contains("test pattern", done.GetProperty("detail").GetString());

        // Started again, the device does not get it again (the fleet cleared it), and its ledger remembers it once.
        device.Kill();
        await device.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var local = await device.Http.GetFromJsonAsync<JsonElement>("/commands");
        Assert.Single(local.GetProperty("handled").EnumerateArray(), e => e.GetProperty("id").GetString() == id);
        Assert.Equal(0, local.GetProperty("run").GetInt64());
    }

    [Fact]
    public async Task An_expired_command_never_runs()
    {
        await _site.Fleet.StartAsync();
        var device = _site.NewDevice("cmd-expired");
        await device.StartAsync();
        await Eventually.TrueAsync(async () => (await _site.Fleet.DeviceAsync(device.Id)) is { } d && d.GetProperty("online").GetBoolean(), RemoteSite.Settle, "the device online");
        device.Kill();

        var sent = await _site.SendCommandAsync(device.Id, "test-print", expiresInSeconds: 2);
        var id = sent.GetProperty("id").GetString()!;
        var expired = await _site.CommandStateAsync(device.Id, id, s => s != "pending", "the fleet to expire the command");
        Assert.Equal("expired", expired.GetProperty("state").GetString());

        await device.StartAsync();
        await Eventually.TrueAsync(async () => (await _site.Fleet.DeviceAsync(device.Id)) is { } d && d.GetProperty("online").GetBoolean(), RemoteSite.Settle, "the device back online");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var printer = await device.Http.GetFromJsonAsync<JsonElement>("/sim/printer");
        Assert.Empty(printer.GetProperty("pages").EnumerateArray());
        var local = await device.Http.GetFromJsonAsync<JsonElement>("/commands");
        Assert.Equal(0, local.GetProperty("run").GetInt64());
        Assert.Equal("expired", (await _site.CommandAsync(device.Id, id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Unknown_kinds_are_refused_by_the_fleet_and_every_command_is_audited()
    {
        await _site.Fleet.StartAsync();
        using var response = await _site.Fleet.Http.PostAsJsonAsync("/api/v1/devices/cmd-x/commands", new { kind = "format-disk" });
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("kind must be one of", await response.Content.ReadAsStringAsync());
        var audit = await _site.Fleet.GetJsonAsync("/api/v1/audit?action=command.sent");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("subject").GetString() == "cmd-x" && !e.GetProperty("success").GetBoolean());
    }
}
