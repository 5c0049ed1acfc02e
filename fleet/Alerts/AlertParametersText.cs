using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Fleet.Alerts;

/// <summary>An alert's <see cref="Alert.Parameters"/> as the JSON text PostgreSQL keeps in <c>alerts.parameters</c>.</summary>
internal static class AlertParametersText
{
    public static string? Write(IReadOnlyDictionary<string, string>? parameters) =>
        parameters is null ? null : JsonSerializer.Serialize(new Dictionary<string, string>(parameters, StringComparer.Ordinal), AlertParametersJson.Default.DictionaryStringString);

    public static IReadOnlyDictionary<string, string>? Read(string text) =>
        JsonSerializer.Deserialize(text, AlertParametersJson.Default.DictionaryStringString);
}

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class AlertParametersJson : JsonSerializerContext;
