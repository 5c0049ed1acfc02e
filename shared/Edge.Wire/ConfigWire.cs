using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Wire;

/// <summary>
/// Payload of <c>edge/v1/{device}/config</c> (retained, QoS 1): the whole desired configuration of one device.
/// <see cref="Settings"/> maps configuration keys of the device host's own option sections ("Display:BrightnessPercent",
/// "Rating:Pins") to JSON values (a scalar, or an array for list keys); only keys in <see cref="RemoteSettings"/> may
/// appear. A key absent here falls back to the device's local configuration (appsettings, arguments).
/// </summary>
public sealed record DesiredConfig(long Version, IReadOnlyDictionary<string, JsonElement> Settings);

/// <summary>
/// Payload of <c>edge/v1/{device}/config/reported</c> (retained, QoS 1): what the device runs with.
/// <see cref="AppliedVersion"/> is the last good configuration (0: none). When the latest desired configuration was
/// refused, <see cref="RejectedVersion"/> and <see cref="Reason"/> say which and why (every problem, each naming its key).
/// <see cref="RestartPending"/> lists applied keys that take effect only after the host restarts.
/// </summary>
public sealed record ReportedConfig(
    long AppliedVersion,
    string State,
    long? RejectedVersion,
    string? Reason,
    IReadOnlyList<string> RestartPending,
    DateTimeOffset At);

/// <summary>The values of <see cref="ReportedConfig.State"/>.</summary>
public static class ConfigStates
{
    /// <summary>The applied version is fully in effect.</summary>
    public const string Applied = "applied";

    /// <summary>The applied version is stored, but some of its keys wait for a host restart.</summary>
    public const string RestartRequired = "restart-required";

    /// <summary>The latest desired version was refused whole; the device keeps <see cref="ReportedConfig.AppliedVersion"/>.</summary>
    public const string Rejected = "rejected";
}

/// <summary>How a remotely settable key takes effect on the device.</summary>
public enum SettingEffect
{
    /// <summary>Applied at once, without a restart.</summary>
    Live,

    /// <summary>Stored at once, in effect after the next host restart.</summary>
    Restart,
}

/// <summary>
/// One key the fleet may set; <see cref="IsList"/> keys take a JSON array (which replaces the local list whole). A list
/// with <see cref="ItemFields"/> is a list of objects, each with only those scalar fields (any may be left out: the
/// option's default applies, never the local list's element), e.g. <c>Queue:Fields</c>:
/// <c>[{"Name": "Hộ tịch", "Prefix": "A", "Pin": 17}]</c>.
/// </summary>
public sealed record RemoteSetting(string Key, SettingEffect Effect, bool IsList = false, IReadOnlyList<string>? ItemFields = null)
{
    /// <summary>A list of objects with these scalar fields.</summary>
    public static RemoteSetting ListOfObjects(string key, SettingEffect effect, params string[] fields) => new(key, effect, IsList: true, fields);

    /// <summary>The field's canonical spelling (configuration keys are case-insensitive), or null when the items have no such field.</summary>
    public string? ItemField(string name) => ItemFields?.FirstOrDefault(f => f.Equals(name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The keys a desired configuration may set, shared by the fleet (which refuses other keys at once) and the device
/// (which validates the values with its own option validators). Identity, credentials, the broker address and the data
/// folder are deliberately absent: a configuration push must never be able to cut a device off from the fleet. So are
/// the printer's transport and device-local paths (<c>Printer:Transport</c>, <c>DevicePath</c>, <c>SerialPort</c>): a
/// push could otherwise point the printer at any file the service user may write (the outbox included) or at a
/// virtual printer that swallows tickets; they are the technician's, set on the device. Likewise the hall's programs
/// (<c>Hall:Synthesiser</c>, <c>Hall:Player</c>: a push must not choose what the device runs) and the centre's LAN
/// (<c>Lan:*</c>: its key and peers come from the fleet's own LAN information). The role (<c>Device:Role</c>) and the
/// queue take effect at the next start.
/// </summary>
public static class RemoteSettings
{
    public static readonly IReadOnlyList<RemoteSetting> All =
    [
        new("Display:BrightnessPercent", SettingEffect.Live),
        new("Health:IntervalSeconds", SettingEffect.Live),
        new("Printer:CentreName", SettingEffect.Live),
        new("Rating:LockoutMs", SettingEffect.Live),
        new("OpeningHours:Days", SettingEffect.Live),
        new("OpeningHours:Open", SettingEffect.Live),
        new("OpeningHours:Close", SettingEffect.Live),
        new("Rating:Pins", SettingEffect.Restart, IsList: true),
        new("Rating:LedPins", SettingEffect.Restart, IsList: true),
        new("Rating:Labels", SettingEffect.Restart, IsList: true),
        new("Rating:DebounceMs", SettingEffect.Restart),
        new("Rating:StuckAfterMs", SettingEffect.Restart),
        new("Display:Kind", SettingEffect.Restart),
        new("Display:ClkPin", SettingEffect.Restart),
        new("Display:DioPin", SettingEffect.Restart),
        new("Display:Digits", SettingEffect.Restart),
        new("Display:I2cBus", SettingEffect.Restart),
        new("Display:I2cAddress", SettingEffect.Restart),
        new("Display:SpiBus", SettingEffect.Restart),
        new("Display:SpiChipSelect", SettingEffect.Restart),
        new("Printer:BaudRate", SettingEffect.Restart),
        new("Printer:Host", SettingEffect.Restart),
        new("Printer:Port", SettingEffect.Restart),
        new("Printer:StatusPollSeconds", SettingEffect.Restart),
        new("Printer:Text", SettingEffect.Restart),
        new("Printer:CodePageTable", SettingEffect.Restart),
        new("Outbox:MaxBytes", SettingEffect.Restart),
        new("Outbox:CompactAboveBytes", SettingEffect.Restart),
        new("Device:Role", SettingEffect.Restart),
        new("Queue:TimeZone", SettingEffect.Restart),
        RemoteSetting.ListOfObjects("Queue:Fields", SettingEffect.Restart, "Name", "Prefix", "Pin", "PriorityPin"),
        new("Queue:FirstNumber", SettingEffect.Restart),
        new("Queue:LastNumber", SettingEffect.Restart),
        new("Queue:CallNextPin", SettingEffect.Restart),
        new("Queue:RecallPin", SettingEffect.Restart),
        new("Queue:SkipPin", SettingEffect.Restart),
        RemoteSetting.ListOfObjects("Queue:Transfers", SettingEffect.Restart, "Pin", "ToCounter", "ToField"),
        new("Queue:PriorityMarker", SettingEffect.Restart),
        new("Queue:AskFleetMs", SettingEffect.Restart),
        new("Queue:ServesFields", SettingEffect.Restart, IsList: true),
        new("Queue:DebounceMs", SettingEffect.Restart),
        new("Queue:StuckAfterMs", SettingEffect.Restart),
        new("Queue:CallTimeoutMs", SettingEffect.Restart),
        new("Hall:NumberReading", SettingEffect.Restart),
        new("Hall:Voice", SettingEffect.Restart),
        new("Hall:VoiceName", SettingEffect.Restart),
        new("Hall:WordsPerMinute", SettingEffect.Restart),
        new("Hall:CallsShown", SettingEffect.Restart),
    ];

    private static readonly Dictionary<string, RemoteSetting> ByKey = All.ToDictionary(s => s.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>The setting for <paramref name="key"/> (configuration keys are case-insensitive), or null when it may not be set remotely.</summary>
    public static RemoteSetting? Find(string key) => ByKey.GetValueOrDefault(key);

    /// <summary>
    /// Problems with the keys and the shapes of their values, each naming its key (and the element's index in a list):
    /// a key that may not be set remotely, a list where a single value belongs or the reverse, a null, an object where a
    /// list wants single values, a list of objects with something else than objects or with a field it does not have.
    /// The values themselves are judged by the device.
    /// </summary>
    public static List<string> ShapeProblems(IReadOnlyDictionary<string, JsonElement> settings)
    {
        var problems = new List<string>();
        foreach (var (key, value) in settings)
        {
            if (Find(key) is not { } setting)
            {
                problems.Add($"{key} may not be set remotely (not a known remote setting)");
            }
            else if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                problems.Add($"{key} must not be null (leave the key out to use the device's own value)");
            }
            else if (setting.IsList && value.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"{key} must be a JSON array (got {value.ValueKind})");
            }
            else if (!setting.IsList && value.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
            {
                problems.Add($"{key} must be a single value (got {value.ValueKind})");
            }
            else if (setting.IsList && setting.ItemFields is null
                && value.EnumerateArray().Any(e => e.ValueKind is JsonValueKind.Array or JsonValueKind.Object or JsonValueKind.Null))
            {
                problems.Add($"{key} must list single values");
            }
            else if (setting.ItemFields is not null)
            {
                problems.AddRange(ObjectListProblems(setting, value));
            }
        }

        return problems;
    }

    private static IEnumerable<string> ObjectListProblems(RemoteSetting setting, JsonElement list)
    {
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"{setting.Key}:{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            i++;
            if (item.ValueKind != JsonValueKind.Object)
            {
                yield return $"{at} must be an object with fields {string.Join(", ", setting.ItemFields!)} (got {item.ValueKind})";
                continue;
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var field in item.EnumerateObject())
            {
                if (setting.ItemField(field.Name) is null)
                {
                    yield return $"{at}:{field.Name} is not a field of {setting.Key} (known: {string.Join(", ", setting.ItemFields!)})";
                }
                else if (!seen.Add(field.Name))
                {
                    yield return $"{at}:{field.Name} is given more than once";
                }
                else if (field.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
                {
                    yield return $"{at}:{field.Name} must not be null (leave the field out for its default)";
                }
                else if (field.Value.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
                {
                    yield return $"{at}:{field.Name} must be a single value (got {field.Value.ValueKind})";
                }
            }
        }
    }
}

/// <summary>Sizes of the configuration messages.</summary>
public static class ConfigLimits
{
    /// <summary>Largest desired configuration payload a device accepts.</summary>
    public const int MaxDesiredBytes = 64 * 1024;

    /// <summary>Largest reported configuration payload the fleet accepts.</summary>
    public const int MaxReportedBytes = 16 * 1024;

    /// <summary>Longest rejection reason carried on the wire (longer ones are cut).</summary>
    public const int MaxReasonLength = 2000;
}

/// <summary>Source-generated JSON for the configuration messages (own context, beside <see cref="WireJson"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DesiredConfig))]
[JsonSerializable(typeof(ReportedConfig))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
public sealed partial class ConfigJson : JsonSerializerContext;
