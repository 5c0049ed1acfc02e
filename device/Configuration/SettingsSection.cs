using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Edge.Device.Configuration;

/// <summary>One options section as the running host uses it: defaults, files, environment and arguments merged.</summary>
public interface ISettingsSection
{
    string Name { get; }

    JsonNode? Current();
}

/// <summary>
/// A checked options section shown with its secrets masked. Every options class bound with AddListedOptions
/// registers one, so <c>GET /config</c> (and the <c>config</c> verb) list them all without a list to keep up to date.
/// </summary>
internal sealed class SettingsSection<T>(string name, IOptionsMonitor<T> options, SettingsSectionJson json) : ISettingsSection
    where T : class
{
    private static readonly string[] SecretWords = ["password", "secret", "token", "privatekey", "centrekey"];

    public string Name => name;

    public JsonNode? Current()
    {
        var node = JsonSerializer.SerializeToNode(options.CurrentValue, json.Context.GetTypeInfo(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is missing from {json.Context.GetType().Name}"));
        Mask(node);
        return node;
    }

    private static void Mask(JsonNode? node)
    {
        if (node is not JsonObject obj)
        {
            return;
        }

        foreach (var (key, value) in obj.ToList())
        {
            if (SecretWords.Any(word => key.Contains(word, StringComparison.OrdinalIgnoreCase)) && value is not null)
            {
                obj[key] = "***";
            }
            else
            {
                Mask(value);
            }
        }
    }
}

/// <summary>
/// The source-generated JSON context that knows every options class the host binds. The host registers it (it alone
/// knows all the features), so a section can be shown without this project knowing any feature.
/// </summary>
public sealed class SettingsSectionJson(JsonSerializerContext context)
{
    public JsonSerializerContext Context { get; } = context;
}
