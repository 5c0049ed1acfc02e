using System.Text.Json;
using Edge.Fleet.DeviceConfig;
using Edge.Testing;
using Edge.Wire;

namespace Edge.Fleet.Tests.DeviceConfig;

public sealed class DesiredConfigBookTests : IDisposable
{
    private readonly TempFolder _folder = new("config-book");

    public void Dispose() => _folder.Dispose();

    private static Dictionary<string, JsonElement> Settings(string json) =>
        JsonSerializer.Deserialize(json, ConfigJson.Default.DictionaryStringJsonElement)!;

    [Fact]
    public void Device_overrides_centre_overrides_role_and_the_version_is_the_newest_layer_revision()
    {
        using var book = new DesiredConfigBook(_folder["config.db"], TimeProvider.System);
        var target = new ConfigTarget("dev-1", "centre-1", "counter");
        Assert.Null(book.Desired(target));

        book.Put(DesiredConfigBook.RoleLayer("counter"), Settings("""{"Health:IntervalSeconds": 30, "Rating:LockoutMs": 2000}"""), "tech");
        book.Put(DesiredConfigBook.CentreLayer("centre-1"), Settings("""{"Health:IntervalSeconds": 20}"""), "tech");
        var own = book.Put(DesiredConfigBook.DeviceLayer("dev-1"), Settings("""{"health:intervalSeconds": 10}"""), "tech");
        book.Put(DesiredConfigBook.CentreLayer("centre-2"), Settings("""{"Health:IntervalSeconds": 99}"""), "tech");

        var desired = book.Desired(target)!;
        Assert.Equal(own.Revision, desired.Version);
        Assert.Equal(10, desired.Settings["Health:IntervalSeconds"].GetInt32());
        Assert.Equal(2000, desired.Settings["Rating:LockoutMs"].GetInt32());
        Assert.Equal(2, desired.Settings.Count);
    }

    [Fact]
    public void Revisions_keep_growing_after_a_reopen()
    {
        long first;
        using (var book = new DesiredConfigBook(_folder["config.db"], TimeProvider.System))
        {
            first = book.Put(DesiredConfigBook.DeviceLayer("dev-1"), Settings("{}"), "tech").Revision;
        }

        using var reopened = new DesiredConfigBook(_folder["config.db"], TimeProvider.System);
        Assert.True(reopened.Put(DesiredConfigBook.CentreLayer("c"), Settings("{}"), "tech").Revision > first);
    }

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
}
