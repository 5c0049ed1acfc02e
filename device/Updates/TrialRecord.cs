using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Device.Updates;

/// <summary>
/// A version on trial (<c>state/trial.json</c>): the host writes it just before it switches <c>current</c> to
/// <see cref="Version"/>; the launcher counts <see cref="Starts"/>, and keeps the version when it confirms its health
/// within <see cref="HealthyWithinSeconds"/> of a start, or switches back to <see cref="Previous"/>.
/// </summary>
public sealed record TrialRecord(string Version, string Previous, string RolloutId, double HealthyWithinSeconds, int Starts = 0);

/// <summary>How a trial ended (<c>state/outcome.json</c>): <c>healthy</c> or <c>rolled-back</c> with the reason.</summary>
public sealed record TrialOutcome(string Version, string RolloutId, string State, string? Reason, DateTimeOffset At);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(TrialRecord))]
[JsonSerializable(typeof(TrialOutcome))]
public sealed partial class UpdateStateJson : JsonSerializerContext;

/// <summary>Reads and writes the small state files; every write goes to a temporary file renamed into place.</summary>
public static class StateFiles
{
    public static TrialRecord? ReadTrial(InstallLayout layout) => Read(layout.TrialFile, UpdateStateJson.Default.TrialRecord);

    public static void WriteTrial(InstallLayout layout, TrialRecord trial) =>
        Write(layout.TrialFile, JsonSerializer.SerializeToUtf8Bytes(trial, UpdateStateJson.Default.TrialRecord));

    public static TrialOutcome? ReadOutcome(InstallLayout layout) => Read(layout.OutcomeFile, UpdateStateJson.Default.TrialOutcome);

    public static void WriteOutcome(InstallLayout layout, TrialOutcome outcome) =>
        Write(layout.OutcomeFile, JsonSerializer.SerializeToUtf8Bytes(outcome, UpdateStateJson.Default.TrialOutcome));

    /// <summary>The version a host confirmed healthy, or null.</summary>
    public static string? ReadHealthy(InstallLayout layout)
    {
        try
        {
            return File.Exists(layout.HealthyFile) ? File.ReadAllText(layout.HealthyFile).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static void WriteHealthy(InstallLayout layout, string version) =>
        Write(layout.HealthyFile, System.Text.Encoding.UTF8.GetBytes(version));

    /// <summary>Writes then renames, and flushes the file first: a power cut leaves the old content or the new.</summary>
    public static void Write(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(content);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static T? Read<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), type) : null;
        }
        catch (JsonException)
        {
            // A torn or edited file: treated as absent (the launcher then simply runs `current`).
            return null;
        }
    }
}
