namespace Edge.Wire;

/// <summary>Rules for device identifiers, which appear as one MQTT topic level.</summary>
public static class DeviceId
{
    public const int MaxLength = 64;

    /// <summary>1–64 characters of [A-Za-z0-9_-]: no MQTT wildcards, separators or '$'.</summary>
    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id)
        && id.Length <= MaxLength
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
