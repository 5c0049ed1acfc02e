using System.Globalization;
using System.Text.Json;
using Edge.Wire;

namespace Edge.Device.RemoteConfig;

/// <summary>Configuration key/value pairs of a desired configuration, and which keys are whole lists.</summary>
public sealed record FlatSettings(IReadOnlyDictionary<string, string?> Values, IReadOnlyList<string> Lists);

/// <summary>
/// Turns a desired configuration's JSON values into configuration keys, as the JSON file provider would
/// ("Rating:Pins": [5, 6] → Rating:Pins:0 = 5, Rating:Pins:1 = 6; "Queue:Fields": [{"Name": "Hộ tịch", "Pin": 17}] →
/// Queue:Fields:0:Name, Queue:Fields:0:Pin), with the keys and the objects' fields in their canonical spelling.
/// </summary>
public static class SettingsFlattener
{
    /// <summary>Flattens a document whose <see cref="RemoteSettings.ShapeProblems"/> are none.</summary>
    public static FlatSettings Flatten(IReadOnlyDictionary<string, JsonElement> settings)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var lists = new List<string>();
        foreach (var (key, value) in settings)
        {
            var setting = RemoteSettings.Find(key);
            var canonical = setting?.Key ?? key;
            if (value.ValueKind == JsonValueKind.Array)
            {
                lists.Add(canonical);
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    var at = $"{canonical}:{i.ToString(CultureInfo.InvariantCulture)}";
                    if (item.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var field in item.EnumerateObject())
                        {
                            values[$"{at}:{setting?.ItemField(field.Name) ?? field.Name}"] = Scalar(field.Value);
                        }
                    }
                    else
                    {
                        values[at] = Scalar(item);
                    }

                    i++;
                }
            }
            else
            {
                values[canonical] = Scalar(value);
            }
        }

        return new FlatSettings(values, lists);
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };
}
