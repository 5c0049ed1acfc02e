using System.Text.Json;
using Edge.Fleet.DeviceConfig;
using Edge.Wire;

using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.DeviceConfig;

/// <summary>
/// What every <see cref="IDesiredConfigStore"/> must do, whatever engine is behind it. A test class per engine derives
/// from this and makes a store on fresh, empty storage.
/// </summary>
public abstract class DesiredConfigStoreContract : StoreContractBase<IDesiredConfigStore>
{
    protected static readonly DateTime At = new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);


    protected static Dictionary<string, JsonElement> Settings(string json) =>
        JsonSerializer.Deserialize(json, ConfigJson.Default.DictionaryStringJsonElement)!;

    protected Task<ConfigLayer> PutAsync(string id, string json, string by = "tech") =>
        Store.PutAsync(id, Settings(json), by, At, CancellationToken.None);

    [Fact]
    public async Task An_empty_store_has_no_layers_no_reports_and_no_desired_configuration()
    {
        Assert.Null(await Store.FindLayerAsync(ConfigLayers.RoleLayer("counter"), CancellationToken.None));
        Assert.Empty(await Store.ListLayersAsync(CancellationToken.None));
        Assert.Null(await Store.FindReportedAsync("dev-1", CancellationToken.None));
        Assert.Null(await Store.DesiredAsync(new ConfigTarget("dev-1", "centre-1", "counter"), CancellationToken.None));
    }

    [Fact]
    public async Task A_put_layer_comes_back_whole_with_who_and_when()
    {
        var put = await PutAsync(ConfigLayers.CentreLayer("centre-1"), """{"Health:IntervalSeconds": 20, "Rating:Pins": [5, 6]}""", "tuan");

        var found = await Store.FindLayerAsync(ConfigLayers.CentreLayer("centre-1"), CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal((put.Id, put.Revision, "tuan", At), (found.Id, found.Revision, found.UpdatedBy, found.UpdatedAt));
        var settings = found.Settings();
        Assert.Equal(20, settings["Health:IntervalSeconds"].GetInt32());
        Assert.Equal([5, 6], settings["Rating:Pins"].EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public async Task Every_put_takes_a_new_higher_revision_even_of_the_same_layer()
    {
        var first = await PutAsync(ConfigLayers.RoleLayer("counter"), "{}");
        var second = await PutAsync(ConfigLayers.DeviceLayer("dev-1"), "{}");
        var third = await PutAsync(ConfigLayers.RoleLayer("counter"), """{"Health:IntervalSeconds": 30}""");

        Assert.True(first.Revision > 0);
        Assert.True(second.Revision > first.Revision);
        Assert.True(third.Revision > second.Revision);
        Assert.Equal(third.Revision, (await Store.FindLayerAsync(ConfigLayers.RoleLayer("counter"), CancellationToken.None))!.Revision);
        Assert.Equal(2, (await Store.ListLayersAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Device_overrides_centre_overrides_role_and_the_version_is_the_newest_layer_revision()
    {
        var target = new ConfigTarget("dev-1", "centre-1", "counter");
        await PutAsync(ConfigLayers.RoleLayer("counter"), """{"Health:IntervalSeconds": 30, "Rating:LockoutMs": 2000}""");
        await PutAsync(ConfigLayers.CentreLayer("centre-1"), """{"Health:IntervalSeconds": 20}""");
        var own = await PutAsync(ConfigLayers.DeviceLayer("dev-1"), """{"health:intervalSeconds": 10}""");
        await PutAsync(ConfigLayers.CentreLayer("centre-2"), """{"Health:IntervalSeconds": 99}""");

        var desired = (await Store.DesiredAsync(target, CancellationToken.None))!;
        var layers = await Store.LayersOfAsync(target, CancellationToken.None);

        Assert.Equal(own.Revision, desired.Version);
        Assert.Equal(10, desired.Settings["Health:IntervalSeconds"].GetInt32());
        Assert.Equal(2000, desired.Settings["Rating:LockoutMs"].GetInt32());
        Assert.Equal(2, desired.Settings.Count);
        Assert.Equal(["role:counter", "centre:centre-1", "device:dev-1"], layers.Select(l => l.Id));
    }

    [Fact]
    public async Task Layers_are_listed_by_id_and_found_by_ids_skipping_missing_ones()
    {
        await PutAsync(ConfigLayers.RoleLayer("kiosk"), "{}");
        await PutAsync(ConfigLayers.CentreLayer("b"), "{}");
        await PutAsync(ConfigLayers.CentreLayer("a"), "{}");

        Assert.Equal(["centre:a", "centre:b", "role:kiosk"], (await Store.ListLayersAsync(CancellationToken.None)).Select(l => l.Id));
        var found = await Store.FindLayersAsync(["centre:b", "centre:zzz", "role:kiosk"], CancellationToken.None);
        Assert.Equal(["centre:b", "role:kiosk"], found.Select(l => l.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_report_replaces_the_previous_one_of_its_device()
    {
        await Store.SaveReportedAsync(Report("dev-1", 3, ConfigStates.Applied), CancellationToken.None);
        var rejected = Report("dev-1", 3, ConfigStates.Rejected);
        rejected.RejectedVersion = 4;
        rejected.Reason = "Display:BrightnessPercent must be 0-100";
        await Store.SaveReportedAsync(rejected, CancellationToken.None);
        var restart = Report("dev-2", 7, ConfigStates.RestartRequired);
        restart.RestartPending = ["Printer:Device", "Gpio:Driver"];
        await Store.SaveReportedAsync(restart, CancellationToken.None);

        var one = (await Store.FindReportedAsync("dev-1", CancellationToken.None))!;
        var two = (await Store.FindReportedAsync("dev-2", CancellationToken.None))!;

        Assert.Equal((3L, ConfigStates.Rejected, (long?)4, "Display:BrightnessPercent must be 0-100"), (one.AppliedVersion, one.State, one.RejectedVersion, one.Reason));
        Assert.Equal((At.AddSeconds(-2), At), (one.At, one.ReceivedAt));
        Assert.Equal((7L, (long?)null, (string?)null), (two.AppliedVersion, two.RejectedVersion, two.Reason));
        Assert.Equal(["Printer:Device", "Gpio:Driver"], two.RestartPending);
        Assert.Equal(["dev-1", "dev-2"], (await Store.ListReportedAsync(CancellationToken.None)).Select(r => r.DeviceId));
    }

    [Fact]
    public async Task Reports_are_found_by_device_ids_skipping_devices_that_never_reported()
    {
        await Store.SaveReportedAsync(Report("dev-1", 3, ConfigStates.Applied), CancellationToken.None);
        await Store.SaveReportedAsync(Report("dev-2", 5, ConfigStates.Applied), CancellationToken.None);
        await Store.SaveReportedAsync(Report("dev-3", 7, ConfigStates.Applied), CancellationToken.None);

        var found = await Store.FindReportedAsync(["dev-3", "dev-9", "dev-1"], CancellationToken.None);

        Assert.Equal([("dev-1", 3L), ("dev-3", 7L)], found.Select(r => (r.DeviceId, r.AppliedVersion)).OrderBy(r => r.DeviceId, StringComparer.Ordinal));
        Assert.Empty(await Store.FindReportedAsync(Array.Empty<string>(), CancellationToken.None));
    }

    protected static ReportedRecord Report(string device, long applied, string state) => new()
    {
        DeviceId = device,
        AppliedVersion = applied,
        State = state,
        At = At.AddSeconds(-2),
        ReceivedAt = At,
    };
}
