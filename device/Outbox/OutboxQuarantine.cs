using Edge.Storage;
using System.Globalization;

namespace Edge.Device.Outbox;

/// <summary>
/// Moves a damaged outbox file (and its LiteDB log) aside as <c>outbox.db.corrupt-{UTC time}</c>, never deleting it:
/// a person or a later version can still read what the salvage could not.
/// </summary>
public static class OutboxQuarantine
{
    /// <summary>Moves the data file and its log aside; returns the new path of the data file.</summary>
    public static string MoveAside(string dataFile, DateTimeOffset now)
    {
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var target = $"{dataFile}.corrupt-{stamp}";
        for (var n = 2; File.Exists(target); n++)
        {
            target = $"{dataFile}.corrupt-{stamp}-{n}";
        }

        File.Move(dataFile, target);
        var log = LiteFile.LogFileOf(dataFile);
        if (File.Exists(log))
        {
            File.Move(log, target + "-log");
        }

        return target;
    }

    /// <summary>Files moved aside so far, oldest first.</summary>
    public static IReadOnlyList<string> Quarantined(string dataFile) =>
        Directory.Exists(Path.GetDirectoryName(dataFile))
            ? Directory.GetFiles(Path.GetDirectoryName(dataFile)!, Path.GetFileName(dataFile) + ".corrupt-*")
                .Where(f => !f.EndsWith("-log", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
}
