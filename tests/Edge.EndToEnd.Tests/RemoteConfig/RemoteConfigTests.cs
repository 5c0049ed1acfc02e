using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;
using Xunit.Abstractions;

namespace Edge.EndToEnd.Tests.RemoteConfig;

/// <summary>Desired and reported configuration between a real fleet and real simulated devices over the real broker.</summary>
public sealed class RemoteConfigTests(ITestOutputHelper output) : IDisposable
{
    private readonly RemoteSite _site = new("remote-config");

    public void Dispose()
    {
        output.WriteLine(_site.Outputs());
        _site.Dispose();
    }

    [Fact]
    public async Task Invalid_configuration_is_rejected_whole_and_the_last_good_one_is_kept_also_across_a_restart()
    {
        await _site.Fleet.StartAsync();
        var device = _site.NewDevice("cfg-1");
        await device.StartAsync();

        // A good configuration: live keys take effect without a restart.
        var good = await _site.PutDeviceConfigAsync(device.Id, new Dictionary<string, object>
        {
            ["Display:BrightnessPercent"] = 40,
            ["Health:IntervalSeconds"] = 5,
            ["Printer:CentreName"] = "UBND phuong Ba Dinh",
        });
        var goodVersion = good.GetProperty("revision").GetInt64();
        var applied = await _site.ReportedAsync(device.Id, v => v.GetProperty("reported").GetProperty("appliedVersion").GetInt64() == goodVersion, "the good configuration applied");
        Assert.False(applied.GetProperty("drift").GetBoolean());
        Assert.Equal("applied", applied.GetProperty("reported").GetProperty("state").GetString());
        Assert.Equal(5, (await RemoteSite.EffectiveSectionAsync(device, "Health")).GetProperty("intervalSeconds").GetInt32());
        Assert.Equal(40, (await RemoteSite.EffectiveSectionAsync(device, "Display")).GetProperty("brightnessPercent").GetInt32());

        // One bad value among good ones: the whole document is refused, the reason names the key, nothing of it applies.
        var bad = await _site.PutDeviceConfigAsync(device.Id, new Dictionary<string, object>
        {
            ["Display:BrightnessPercent"] = 140,
            ["Health:IntervalSeconds"] = 2,
            ["Printer:CentreName"] = "UBND phuong Ba Dinh",
        });
        var badVersion = bad.GetProperty("revision").GetInt64();
        var rejected = await _site.ReportedAsync(device.Id, v => v.GetProperty("reported").GetProperty("rejectedVersion") is { ValueKind: JsonValueKind.Number } r && r.GetInt64() == badVersion, "the bad configuration refused");
        var reported = rejected.GetProperty("reported");
        output.WriteLine($"status: {rejected.GetProperty("status").GetString()}");
        Assert.Equal("rejected", reported.GetProperty("state").GetString());
        Assert.Equal(goodVersion, reported.GetProperty("appliedVersion").GetInt64());
        Assert.Contains("Display:BrightnessPercent must be 0-100 (got 140)", reported.GetProperty("reason").GetString());
        Assert.True(rejected.GetProperty("drift").GetBoolean());
        Assert.Equal(5, (await RemoteSite.EffectiveSectionAsync(device, "Health")).GetProperty("intervalSeconds").GetInt32());

        // Power cut and start again: the last good configuration is loaded from disk before the fleet is heard from,
        // and the retained bad one is refused again.
        device.Kill();
        await device.StartAsync();
        Assert.Equal(5, (await RemoteSite.EffectiveSectionAsync(device, "Health")).GetProperty("intervalSeconds").GetInt32());
        Assert.Equal(40, (await RemoteSite.EffectiveSectionAsync(device, "Display")).GetProperty("brightnessPercent").GetInt32());
        await Eventually.TrueAsync(async () => (await device.Http.GetFromJsonAsync<JsonElement>("/remote-config")).GetProperty("invalidCount").GetInt64() >= 1,
            RemoteSite.Settle, "the restarted device to refuse the retained bad configuration again");
        var after = await _site.DeviceConfigAsync(device.Id);
        Assert.Equal(goodVersion, after.GetProperty("reported").GetProperty("appliedVersion").GetInt64());
        Assert.True(after.GetProperty("drift").GetBoolean());

        // Both changes are in the audit log, with who made them.
        var audit = await _site.Fleet.GetJsonAsync("/api/v1/audit?action=config.changed");
        Assert.Equal(2, audit.EnumerateArray().Count(e => e.GetProperty("subject").GetString() == $"device:{device.Id}"));
    }

    [Fact]
    public async Task Centre_defaults_reach_every_device_of_the_centre_and_drift_shows_until_the_device_reports_them()
    {
        await _site.Fleet.StartAsync();
        var first = _site.NewDevice("cfg-a");
        await first.StartAsync();

        // Defaults for the centre and the role, one key overridden for the device itself.
        await _site.PutLayerAsync("role", "counter", new Dictionary<string, object> { ["Rating:LockoutMs"] = 2000, ["Health:IntervalSeconds"] = 7 });
        var centre = await _site.PutLayerAsync("centre", "centre-1", new Dictionary<string, object> { ["Health:IntervalSeconds"] = 9 });
        var view = await _site.ReportedAsync(first.Id, v => v.GetProperty("reported").GetProperty("appliedVersion").GetInt64() == centre.GetProperty("revision").GetInt64(), "centre defaults applied");
        Assert.Equal(9, view.GetProperty("desired").GetProperty("settings").GetProperty("Health:IntervalSeconds").GetInt32());
        Assert.Equal(2000, view.GetProperty("desired").GetProperty("settings").GetProperty("Rating:LockoutMs").GetInt32());
        Assert.Equal(2000, (await RemoteSite.EffectiveSectionAsync(first, "Rating")).GetProperty("lockoutMs").GetInt32());

        // A device that is offline while its configuration changes is listed as drifting until it reports.
        first.Kill();
        var own = await _site.PutDeviceConfigAsync(first.Id, new Dictionary<string, object> { ["Health:IntervalSeconds"] = 11 });
        var drift = await _site.Fleet.GetJsonAsync("/api/v1/config/drift");
        var listed = Assert.Single(drift.EnumerateArray(), d => d.GetProperty("deviceId").GetString() == first.Id);
        output.WriteLine($"drift: {listed.GetProperty("status").GetString()}");
        Assert.Contains($"desired v{own.GetProperty("revision").GetInt64()}", listed.GetProperty("status").GetString());

        await first.StartAsync();
        await _site.ReportedAsync(first.Id, v => !v.GetProperty("drift").GetBoolean(), "the device to catch up after reconnecting");
        Assert.Equal(11, (await RemoteSite.EffectiveSectionAsync(first, "Health")).GetProperty("intervalSeconds").GetInt32());
        Assert.DoesNotContain((await _site.Fleet.GetJsonAsync("/api/v1/config/drift")).EnumerateArray(), d => d.GetProperty("deviceId").GetString() == first.Id);
    }

    [Fact]
    public async Task A_restart_only_key_is_reported_restart_required_until_the_restart_command_restarts_the_host()
    {
        await _site.Fleet.StartAsync();
        var device = _site.NewDevice("cfg-r");
        await device.StartAsync();

        var put = await _site.PutDeviceConfigAsync(device.Id, new Dictionary<string, object> { ["Rating:Pins"] = new[] { 5, 6, 13 } });
        var version = put.GetProperty("revision").GetInt64();
        var view = await _site.ReportedAsync(device.Id, v => v.GetProperty("reported").GetProperty("appliedVersion").GetInt64() == version, "the pins stored");
        Assert.Equal("restart-required", view.GetProperty("reported").GetProperty("state").GetString());
        Assert.Contains("Rating:Pins", view.GetProperty("reported").GetProperty("restartPending").EnumerateArray().Select(k => k.GetString()));

        var command = await _site.SendCommandAsync(device.Id, "restart");
        await _site.CommandStateAsync(device.Id, command.GetProperty("id").GetString()!, s => s == "succeeded", "the restart command to succeed");
        Assert.Equal(75, await device.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        // The service manager would start it again; the test does.
        await device.StartAsync();
        Assert.Equal(3, (await RemoteSite.EffectiveSectionAsync(device, "Rating")).GetProperty("pins").GetArrayLength());
        await _site.ReportedAsync(device.Id, v => v.GetProperty("reported").GetProperty("state").GetString() == "applied", "the pins in effect after the restart");
    }
}
