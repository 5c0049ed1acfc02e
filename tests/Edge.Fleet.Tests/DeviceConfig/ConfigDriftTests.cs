using System.Text.Json;
using Edge.Fleet.DeviceConfig;
using Edge.Wire;

namespace Edge.Fleet.Tests.DeviceConfig;

public sealed class ConfigDriftTests
{
    private static Dictionary<string, JsonElement> Settings(string json) =>
        JsonSerializer.Deserialize(json, ConfigJson.Default.DictionaryStringJsonElement)!;

    [Theory]
    [InlineData(null, false, "no desired configuration")]
    [InlineData(3L, true, "desired v5, device runs v3")]
    [InlineData(5L, false, "v5 applied")]
    public void Drift_is_desired_version_differing_from_the_applied_one(long? applied, bool drift, string status)
    {
        var desired = status.StartsWith("no", StringComparison.Ordinal) ? null : new DesiredConfig(5, new Dictionary<string, JsonElement>());
        var reported = applied is { } v ? new ReportedRecord { AppliedVersion = v, State = ConfigStates.Applied } : null;
        Assert.Equal((drift, status), ConfigDrift.Of(desired, reported));
    }

    [Fact]
    public void A_rejected_desired_version_is_drift_with_the_device_reason()
    {
        var desired = new DesiredConfig(6, new Dictionary<string, JsonElement>());
        var reported = new ReportedRecord { AppliedVersion = 5, State = ConfigStates.Rejected, RejectedVersion = 6, Reason = "Display:BrightnessPercent must be 0-100 (got 140)" };
        var (drift, status) = ConfigDrift.Of(desired, reported);
        Assert.True(drift);
        Assert.Equal("device refused v6 and keeps v5: Display:BrightnessPercent must be 0-100 (got 140)", status);
    }

    [Fact]
    public void The_fleet_refuses_unknown_keys_and_wrong_shapes_before_any_device_sees_them()
    {
        var problems = RemoteSettings.ShapeProblems(Settings("""{"Device:Id": "x", "Rating:Pins": [[1]], "Display:BrightnessPercent": 50}"""));
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Device:Id may not be set remotely", StringComparison.Ordinal));
    }

    [Fact]
    public void The_role_is_set_only_in_a_devices_own_layer_and_lists_of_objects_replace_whole_in_the_merge()
    {
        var settings = Settings("""{"device:role": "kiosk", "Queue:Fields": [{"Name": "Đất đai", "Prefix": "B", "Pin": 27}]}""");
        Assert.Empty(ConfigLayers.ScopeProblems(ConfigLayers.DeviceLayer("kiosk-1"), settings));
        Assert.StartsWith("device:role may only be set in a device's own layer", Assert.Single(ConfigLayers.ScopeProblems(ConfigLayers.RoleLayer("counter"), settings)), StringComparison.Ordinal);
        Assert.Single(ConfigLayers.ScopeProblems(ConfigLayers.CentreLayer("centre-1"), settings));

        var centre = new ConfigLayer { Id = ConfigLayers.CentreLayer("centre-1"), Revision = 3, SettingsJson = """{"Queue:Fields": [{"Name": "A"}, {"Name": "B"}]}""" };
        var device = new ConfigLayer { Id = ConfigLayers.DeviceLayer("kiosk-1"), Revision = 4, SettingsJson = """{"queue:fields": [{"Name": "C"}]}""" };
        var merged = ConfigLayers.Merge([centre, device])!;
        Assert.Equal(4, merged.Version);
        Assert.Equal(["C"], merged.Settings["Queue:Fields"].EnumerateArray().Select(f => f.GetProperty("Name").GetString()));
    }
}
