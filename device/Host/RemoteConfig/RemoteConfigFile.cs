using System.Text.Json;
using Edge.Storage;
using Edge.Wire;

namespace Edge.Device.RemoteConfig;

/// <summary>
/// The last good configuration from the fleet, <c>{DataDir}/remote-config.json</c>: written atomically (temp file,
/// fsync, rename, fsync of the folder) only after it was validated whole, so a power cut leaves the old or the new one.
/// </summary>
public sealed class RemoteConfigFile(string path)
{
    public const string FileName = "remote-config.json";

    public string Path { get; } = path;

    public void Save(DesiredConfig config) =>
        AtomicFile.Write(Path, JsonSerializer.SerializeToUtf8Bytes(config, ConfigJson.Default.DesiredConfig));

    /// <summary>The stored configuration; null when there is none. Throws <see cref="JsonException"/> when it is unreadable.</summary>
    public DesiredConfig? Load() =>
        AtomicFile.ReadOrNull(Path) is { } bytes ? JsonSerializer.Deserialize(bytes, ConfigJson.Default.DesiredConfig) : null;
}
