namespace Edge.Device.Configuration;

/// <summary>Checks shared by the option classes' validation.</summary>
public static class OptionChecks
{
    public static bool IsPort(int port) => port is >= 1 and <= 65535;

    public static string PortError(string key, int port) => $"{key} must be 1-65535 (got {port})";

    /// <summary>Null when the folder exists or can be created and written; otherwise why not.</summary>
    public static string? UnwritableFolder(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            var probe = Path.Combine(path, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ex.Message;
        }
    }
}
