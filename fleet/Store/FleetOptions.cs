using Edge.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Store;

/// <summary>Settings of the fleet node itself (section <c>Fleet</c>).</summary>
public sealed class FleetOptions : ICheckedOptions
{
    public const string Section = "Fleet";

    /// <summary>Folder of the embedded store (<c>fleet.db</c>); created when missing, must be writable.</summary>
    public string DataDir { get; set; } = "./data/fleet";

    /// <summary>Full path of the embedded store's file.</summary>
    public string StorePath => FileIn("fleet.db");

    /// <summary>Full path of a file of this node in its data folder.</summary>
    public string FileIn(string fileName) => Path.Combine(Path.GetFullPath(DataDir), fileName);

    /// <summary>The file of this node's data folder named <paramref name="fileName"/>, for registrations.</summary>
    public static string FileIn(IServiceProvider services, string fileName) =>
        services.GetRequiredService<IOptions<FleetOptions>>().Value.FileIn(fileName);

    /// <summary>
    /// Proves the data folder usable before anything opens a file in it, so that a wrong path stops start-up with a
    /// line naming the key instead of a stack trace from the store later.
    /// </summary>
    public IEnumerable<string> Validate()
    {
        const string key = FleetOptions.Section + ":" + nameof(FleetOptions.DataDir);
        if (string.IsNullOrWhiteSpace(DataDir))
        {
            return [$"{key} must name a folder (got an empty value)"];
        }

        try
        {
            var folder = Path.GetFullPath(DataDir);
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return [$"{key} must be a writable folder (got '{DataDir}': {ex.Message})"];
        }
    }
}
