using System.Text.Json;
using Edge.Device.Configuration;
using Edge.Device.Queue;
using Edge.Device.RemoteConfig;
using Edge.Wire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Device.Tests.RemoteConfig;

/// <summary>The role and the queue through the remote configuration: lists of objects, and the queue's section checks.</summary>
public sealed class QueueRemoteConfigTests
{
    private static Dictionary<string, JsonElement> Settings(string json) =>
        JsonSerializer.Deserialize(json, ConfigJson.Default.DictionaryStringJsonElement)!;

    private static IConfigurationRoot Local(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static IReadOnlyList<string> Problems(IConfigurationRoot local, string json) =>
        new DesiredConfigCheck(local.Providers.ToList(), RemoteSectionChecks.All).Problems(Settings(json));

    private static readonly (string, string)[] Kiosk =
    [
        ("Device:Role", "kiosk"),
        ("Queue:Fields:0:Name", "Tư pháp - Hộ tịch"), ("Queue:Fields:0:Prefix", "A"), ("Queue:Fields:0:Pin", "17"),
        ("Queue:Fields:1:Name", "Đất đai"), ("Queue:Fields:1:Prefix", "B"), ("Queue:Fields:1:Pin", "27"), ("Queue:Fields:1:PriorityPin", "23"),
        ("Queue:Fields:2:Name", "Lao động - Xã hội"), ("Queue:Fields:2:Prefix", "C"), ("Queue:Fields:2:Pin", "22"),
    ];

    [Fact]
    public void A_good_queue_document_has_no_problems()
    {
        Assert.Empty(Problems(Local(Kiosk), """
            {"Queue:Fields": [{"Name": "Hộ tịch", "Prefix": "H", "Pin": 17, "PriorityPin": 18}, {"name": "Đất đai", "prefix": "D", "pin": 27}],
             "Queue:FirstNumber": 500, "Queue:LastNumber": 999, "Queue:PriorityMarker": "U", "Device:Role": "kiosk"}
            """));
        Assert.Empty(Problems(Local(("Device:Role", "counter")), """
            {"Queue:ServesFields": ["Đất đai"], "Queue:CallNextPin": 20, "Queue:Transfers": [{"Pin": 21, "ToCounter": "2"}]}
            """));
    }

    [Fact]
    public void A_list_of_objects_with_something_else_than_objects_or_unknown_or_null_fields_is_refused_naming_key_and_index()
    {
        var problems = RemoteSettings.ShapeProblems(Settings("""
            {"Queue:Fields": [{"Name": "Hộ tịch", "Prefix": "A"}, 17, {"Name": "Đất đai", "Prefx": "B"}, {"Name": null}, {"Name": ["x"]}],
             "Queue:Transfers": {"Pin": 20}}
            """));
        Assert.Contains(problems, p => p.StartsWith("Queue:Fields:1 must be an object with fields Name, Prefix, Pin, PriorityPin", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Queue:Fields:2:Prefx is not a field of Queue:Fields", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Queue:Fields:3:Name must not be null", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Queue:Fields:4:Name must be a single value", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Queue:Transfers must be a JSON array", StringComparison.Ordinal));
        Assert.Equal(5, problems.Count);
    }

    [Fact]
    public void A_list_of_single_values_still_refuses_objects()
    {
        var problem = Assert.Single(RemoteSettings.ShapeProblems(Settings("""{"Queue:ServesFields": [{"Name": "Đất đai"}]}""")));
        Assert.Equal("Queue:ServesFields must list single values", problem);
    }

    [Theory]
    [InlineData("Device:Id")]
    [InlineData("Hall:Synthesiser")]
    [InlineData("Hall:Player")]
    [InlineData("Lan:CentreKey")]
    [InlineData("Lan:Peers")]
    public void What_must_stay_local_is_not_remotely_settable(string key)
    {
        var problem = Assert.Single(RemoteSettings.ShapeProblems(Settings($$"""{"{{key}}": "x"}""")));
        Assert.StartsWith($"{key} may not be set remotely", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_role_and_the_queue_take_effect_at_the_next_start()
    {
        foreach (var key in new[] { "Device:Role", "Queue:Fields", "Queue:ServesFields", "Queue:FirstNumber", "Queue:LastNumber", "Queue:CallNextPin", "Queue:Transfers" })
        {
            Assert.Equal(SettingEffect.Restart, RemoteSettings.Find(key)!.Effect);
        }

        var pending = DesiredConfigApplier.RestartPending(null, new DesiredConfig(1, Settings("""{"Device:Role": "kiosk", "Queue:Fields": [{"Name": "Hộ tịch", "Prefix": "H"}]}""")));
        Assert.Equal(["Device:Role", "Queue:Fields"], pending);
        var same = new DesiredConfig(1, Settings("""{"Queue:Fields": [{"Name": "Hộ tịch", "Prefix": "H"}]}"""));
        Assert.Empty(DesiredConfigApplier.RestartPending(same, new DesiredConfig(2, Settings("""{"queue:fields": [{"name": "Hộ tịch", "PREFIX": "H"}]}"""))));
    }

    [Fact]
    public void Every_queue_problem_is_named_and_rejects_the_document()
    {
        var problems = Problems(Local(Kiosk), """
            {"Queue:Fields": [{"Name": "Hộ tịch", "Prefix": "A", "Pin": 17}, {"Name": "", "Prefix": "A", "Pin": 27}, {"Name": "Đất đai", "Prefix": "B", "Pin": 17}],
             "Queue:FirstNumber": 900, "Queue:LastNumber": 100, "Device:Role": "hub"}
            """);
        Assert.Contains("Queue:Fields:1:Name must be 1-64 characters", problems);
        Assert.Contains("Queue:Fields prefixes must differ between fields", problems);
        Assert.Contains("Queue uses pin 17 more than once", problems);
        Assert.Contains(problems, p => p.StartsWith("Queue:FirstNumber/Queue:LastNumber must satisfy", StringComparison.Ordinal));
        Assert.Contains("Device:Role must be counter, kiosk or hall (got 'hub')", problems);
    }

    [Fact]
    public void Served_fields_must_be_fields_the_device_knows()
    {
        var problems = Problems(Local(Kiosk), """{"Queue:ServesFields": ["Đất đai", "Xây dựng", "Đất đai", ""]}""");
        Assert.Contains(problems, p => p.StartsWith("Queue:ServesFields:1 'Xây dựng' is not one of Queue:Fields", StringComparison.Ordinal));
        Assert.Contains("Queue:ServesFields names 'Đất đai' more than once", problems);
        Assert.Contains("Queue:ServesFields:3 must be a field name of 1-64 characters", problems);
        // A counter that does not carry the centre's fields: any name (the fleet's list is the judge).
        Assert.Empty(Problems(Local(("Device:Role", "counter")), """{"Queue:ServesFields": ["Xây dựng"]}"""));
    }

    [Fact]
    public void A_queue_pin_already_wired_to_a_rating_button_or_the_display_is_named_in_the_role()
    {
        // A counter's call-next on the second rating button; the same pin on a kiosk (which has no call-next) is fine.
        Assert.Contains("Queue:CallNextPin uses pin 6, already Rating:Pins:1", Problems(Local(("Device:Role", "counter")), """{"Queue:CallNextPin": 6}"""));
        Assert.Empty(Problems(Local(("Device:Role", "kiosk")), """{"Queue:CallNextPin": 6}"""));

        // A kiosk field on a rating LED, and on the TM1637's clock; found whichever section the document touches.
        var kiosk = Local([.. Kiosk, ("Rating:LedPins:0", "20"), ("Rating:LedPins:1", "21"), ("Rating:LedPins:2", "24"), ("Rating:LedPins:3", "25"), ("Display:Kind", "tm1637"), ("Display:ClkPin", "4")]);
        var problems = Problems(kiosk, """{"Queue:Fields": [{"Name": "Hộ tịch", "Prefix": "H", "Pin": 21, "PriorityPin": 4}]}""");
        Assert.Contains("Queue:Fields:0:Pin uses pin 21, already Rating:LedPins:1", problems);
        Assert.Contains("Queue:Fields:0:PriorityPin uses pin 4, already Display:ClkPin", problems);
        Assert.Contains("Queue:Fields:1:Pin uses pin 27, already Rating:Pins:0", Problems(Local(Kiosk), """{"Rating:Pins": [27, 6, 13]}"""));

        // A role change is judged by the pins of the new role.
        Assert.Contains("Queue:CallNextPin uses pin 5, already Rating:Pins:0", Problems(Local([.. Kiosk, ("Queue:CallNextPin", "5")]), """{"Device:Role": "counter"}"""));
    }

    [Fact]
    public void A_remote_list_of_objects_replaces_the_local_one_whole_with_no_field_leaking_from_a_local_element()
    {
        var layer = new RemoteConfigLayer();
        layer.Replace(new DesiredConfig(1, Settings("""{"Queue:Fields": [{"Name": "Hộ tịch", "Prefix": "H", "Pin": 17}]}""")));
        var builder = new ConfigurationBuilder().AddInMemoryCollection(Kiosk.Select(v => new KeyValuePair<string, string?>(v.Item1, v.Item2)));
        // Local field 1 has a priority pin: the fleet's field 1 does not exist, and its field 0 has none.
        ((IConfigurationBuilder)builder).Add(layer);
        var configuration = builder.Build();
        var options = new QueueOptions();
        configuration.GetSection("Queue").Bind(options);

        var field = Assert.Single(options.Fields);
        Assert.Equal(("Hộ tịch", "H", 17, -1), (field.Name, field.Prefix, field.Pin, field.PriorityPin));
        Assert.Null(configuration["Queue:Fields:1:PriorityPin"]);
        Assert.Equal("kiosk", configuration["Device:Role"]);
    }

    [Fact]
    public void The_start_up_validator_names_a_queue_pin_on_a_rating_button()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Local(("Device:Role", "counter"), ("Queue:CallNextPin", "13")));
        services.AddListedOptions<RatingOptions>(RatingOptions.Section);
        services.PostConfigure<RatingOptions>(RatingOptions.UseDefaultPinsWhenEmpty);
        services.AddListedOptions<Display.DisplayOptions>(Display.DisplayOptions.Section);
        services.AddQueue();
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<QueueOptions>>().Value);
        Assert.Contains("Queue:CallNextPin uses pin 13, already Rating:Pins:2", failure.Failures);
    }
}
