using System.Text.Json;
using Edge.Device.Configuration;
using Edge.Device.RemoteConfig;
using Edge.Wire;
using Microsoft.Extensions.Configuration;

namespace Edge.Device.Tests.RemoteConfig;

public sealed class DesiredConfigCheckTests
{
    private static Dictionary<string, JsonElement> Settings(string json) =>
        JsonSerializer.Deserialize(json, ConfigJson.Default.DictionaryStringJsonElement)!;

    private static IConfigurationRoot Local(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static IReadOnlyList<string> Problems(IConfigurationRoot local, string json) =>
        new DesiredConfigCheck(local.Providers.ToList(), RemoteSectionChecks.All).Problems(Settings(json));

    [Fact]
    public void A_good_document_has_no_problems()
    {
        Assert.Empty(Problems(Local(), """{"Display:BrightnessPercent": 40, "Health:IntervalSeconds": 5, "Rating:Pins": [5, 6, 13], "OpeningHours:Open": "07:00"}"""));
    }

    [Fact]
    public void Every_bad_value_is_named_by_its_own_validator()
    {
        var problems = Problems(Local(), """{"Display:BrightnessPercent": 140, "Health:IntervalSeconds": 0, "Printer:CentreName": "ok"}""");
        Assert.Contains("Display:BrightnessPercent must be 0-100 (got 140)", problems);
        Assert.Contains("Health:IntervalSeconds must be 1-3600 (got 0)", problems);
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void Keys_that_may_not_be_set_remotely_and_wrong_shapes_are_refused()
    {
        var problems = Problems(Local(), """{"Uplink:Host": "evil.example", "Rating:Pins": 5, "Display:Kind": ["tm1637"], "Health:IntervalSeconds": null}""");
        Assert.Contains(problems, p => p.StartsWith("Uplink:Host may not be set remotely", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Rating:Pins must be a JSON array", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Display:Kind must be a single value", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Health:IntervalSeconds must not be null", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Printer:Transport", "virtual")]
    [InlineData("Printer:DevicePath", "/var/lib/edge/outbox.db")]
    [InlineData("Printer:SerialPort", "/dev/ttyS0")]
    public void The_printer_transport_and_device_paths_are_not_remotely_settable(string key, string value)
    {
        var problems = Problems(Local(), $$"""{"{{key}}": "{{value}}"}""");
        Assert.Contains(problems, p => p.StartsWith($"{key} may not be set remotely", StringComparison.Ordinal));
    }

    [Fact]
    public void A_value_that_does_not_convert_is_a_problem_naming_its_key_not_an_exception()
    {
        var problem = Assert.Single(Problems(Local(), """{"Health:IntervalSeconds": "often"}"""));
        Assert.Contains("Health:IntervalSeconds", problem);
    }

    [Fact]
    public void A_document_is_judged_together_with_the_local_configuration_below_it()
    {
        // Three pins from the fleet against four local LEDs: the combination is invalid, though each alone is fine.
        var local = Local(("Rating:LedPins:0", "20"), ("Rating:LedPins:1", "21"), ("Rating:LedPins:2", "22"), ("Rating:LedPins:3", "23"));
        Assert.Contains("Rating:LedPins must be empty or list one pin per button (3)", Problems(local, """{"Rating:Pins": [5, 6, 13]}"""));
        Assert.Empty(Problems(local, """{"Rating:Pins": [5, 6, 13, 19]}"""));
    }

    [Fact]
    public void A_list_from_the_fleet_replaces_the_local_list_whole()
    {
        var layer = new RemoteConfigLayer();
        layer.Replace(new DesiredConfig(1, Settings("""{"Rating:Pins": [7, 8, 9]}""")));
        var local = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rating:Pins:0"] = "5", ["Rating:Pins:1"] = "6", ["Rating:Pins:2"] = "13", ["Rating:Pins:3"] = "19",
        });
        ((IConfigurationBuilder)local).Add(layer);
        var options = new RatingOptions();
        local.Build().GetSection("Rating").Bind(options);
        Assert.Equal([7, 8, 9], options.Pins);
    }

    [Fact]
    public void Restart_pending_lists_only_restart_keys_that_differ_from_what_the_host_started_with()
    {
        var started = new DesiredConfig(1, Settings("""{"Rating:Pins": [5, 6, 13], "Display:BrightnessPercent": 40}"""));
        Assert.Empty(DesiredConfigApplier.RestartPending(started, new DesiredConfig(2, Settings("""{"Rating:Pins": [5, 6, 13], "Display:BrightnessPercent": 90}"""))));
        Assert.Equal(["Rating:Pins"], DesiredConfigApplier.RestartPending(started, new DesiredConfig(3, Settings("""{"Rating:Pins": [5, 6]}"""))));
        Assert.Equal(["Display:Kind"], DesiredConfigApplier.RestartPending(null, new DesiredConfig(4, Settings("""{"Display:Kind": "max7219"}"""))));
    }
}
