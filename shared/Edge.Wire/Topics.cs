namespace Edge.Wire;

/// <summary>The kinds of topic under <c>edge/v1/{device}/</c>.</summary>
public enum TopicKind
{
    Events,
    Ack,
    Status,
    Health,
    Config,
    ConfigReported,
    Command,
    CommandResult,
}

/// <summary>
/// The one place that builds and parses MQTT topic names (wire v1). Nothing else concatenates topic strings.
/// </summary>
public static class Topics
{
    public const string Root = "edge/v1";

    /// <summary>Every device's events, for a fleet node subscribing on its own broker.</summary>
    public const string AllEvents = Root + "/+/events";
    public const string AllStatus = Root + "/+/status";
    public const string AllHealth = Root + "/+/health";
    public const string AllConfigReported = Root + "/+/config/reported";
    public const string AllCommandResults = Root + "/+/cmd/+/result";

    public static string DevicePrefix(string deviceId) => $"{Root}/{deviceId}/";
    public static string Events(string deviceId) => $"{Root}/{deviceId}/events";
    public static string Ack(string deviceId) => $"{Root}/{deviceId}/ack";
    public static string Status(string deviceId) => $"{Root}/{deviceId}/status";
    public static string Health(string deviceId) => $"{Root}/{deviceId}/health";
    public static string Config(string deviceId) => $"{Root}/{deviceId}/config";
    public static string ConfigReported(string deviceId) => $"{Root}/{deviceId}/config/reported";
    public static string Commands(string deviceId) => $"{Root}/{deviceId}/cmd/+";
    public static string Command(string deviceId, string commandId) => $"{Root}/{deviceId}/cmd/{commandId}";
    public static string CommandResult(string deviceId, string commandId) => $"{Root}/{deviceId}/cmd/{commandId}/result";

    /// <summary>MQTT 5 shared subscription, so that several fleet nodes split one filter's load.</summary>
    public static string Shared(string group, string filter) => $"$share/{group}/{filter}";

    /// <summary>Parses a concrete topic (no wildcards). Returns false for anything outside wire v1.</summary>
    public static bool TryParse(string topic, out TopicAddress address)
    {
        address = default;
        if (!topic.StartsWith(Root + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = topic[(Root.Length + 1)..].Split('/');
        if (parts.Length < 2 || !DeviceId.IsValid(parts[0]))
        {
            return false;
        }

        var device = parts[0];
        TopicKind? kind = parts switch
        {
            [_, "events"] => TopicKind.Events,
            [_, "ack"] => TopicKind.Ack,
            [_, "status"] => TopicKind.Status,
            [_, "health"] => TopicKind.Health,
            [_, "config"] => TopicKind.Config,
            [_, "config", "reported"] => TopicKind.ConfigReported,
            [_, "cmd", var id] when id.Length > 0 => TopicKind.Command,
            [_, "cmd", var id, "result"] when id.Length > 0 => TopicKind.CommandResult,
            _ => null,
        };
        if (kind is null)
        {
            return false;
        }

        address = new TopicAddress(device, kind.Value, parts.Length >= 3 && parts[1] == "cmd" ? parts[2] : null);
        return true;
    }
}

/// <summary>A parsed topic: which device, which kind, and the command id for command topics.</summary>
public readonly record struct TopicAddress(string DeviceId, TopicKind Kind, string? CommandId);
