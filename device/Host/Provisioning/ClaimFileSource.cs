using System.Globalization;
using System.Text;
using Edge.Wire;

namespace Edge.Device.Provisioning;

/// <summary>
/// An <c>edge-claim.txt</c> found in one of <c>Provisioning:ClaimFileFolders</c> (the Pi's boot partition, a USB stick):
/// its claim (code, fleet, CA fingerprint) and where it lies, so that the code is removed from that file once it has
/// provisioned this device (<see cref="MarkUsed"/>) and kept when the fleet refuses it.
/// </summary>
public sealed class ClaimFileSource
{
    private ClaimFileSource(string path, ClaimFile claim)
    {
        Path = path;
        Claim = claim;
    }

    public string Path { get; }

    public ClaimFile Claim { get; }

    /// <summary>
    /// The first claim file holding a code, searching <paramref name="folders"/> in order (a last segment <c>*</c>
    /// expands to the folders in it, by name). Files that cannot be used (damaged, too big, unreadable) are skipped
    /// and each is described in <paramref name="problems"/> ("path: what is wrong"); files whose code was used are
    /// skipped silently.
    /// </summary>
    public static ClaimFileSource? Find(IEnumerable<string> folders, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        foreach (var folder in folders.SelectMany(Expand))
        {
            var path = System.IO.Path.Combine(folder, ClaimFile.FileName);
            if (!File.Exists(path))
            {
                continue;
            }

            var (claim, problem) = Read(path);
            if (problem is not null)
            {
                found.Add($"{path}: {problem}");
            }
            else if (claim!.Code is not null)
            {
                problems = found;
                return new ClaimFileSource(path, claim);
            }
        }

        problems = found;
        return null;
    }

    /// <summary>
    /// Replaces the file's code line by a comment saying which device it provisioned (written whole: temp file,
    /// flushed, renamed over), so that the next boot, or the next Pi the stick goes into, does not offer it again.
    /// Null when done, else why the file could not be changed (the device is provisioned all the same).
    /// </summary>
    public string? MarkUsed(string deviceId, DateTimeOffset at)
    {
        try
        {
            var text = File.ReadAllText(Path, Encoding.UTF8);
            var note = $"code used {at.ToString("u", CultureInfo.InvariantCulture)}: provisioned device {deviceId}";
            var temp = Path + ".tmp";
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                stream.Write(Encoding.UTF8.GetBytes(ClaimFile.WithoutCode(text, note)));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, Path, overwrite: true);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    private static (ClaimFile? Claim, string? Problem) Read(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Length > ClaimFile.MaxBytes)
            {
                return (null, $"{info.Length} bytes, more than a claim file's {ClaimFile.MaxBytes}: not read");
            }

            var bytes = File.ReadAllBytes(path);
            string text;
            try
            {
                text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                return (null, "not text (invalid UTF-8)");
            }

            var claim = ClaimFile.Parse(text, out var problem);
            return (claim, problem);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot be read ({ex.Message})");
        }
    }

    private static IEnumerable<string> Expand(string folder)
    {
        var trimmed = folder.TrimEnd('/', System.IO.Path.DirectorySeparatorChar);
        if (System.IO.Path.GetFileName(trimmed) != "*")
        {
            return [folder];
        }

        var parent = System.IO.Path.GetDirectoryName(trimmed);
        var expanded = new List<string>();
        foreach (var under in string.IsNullOrEmpty(parent) ? [] : Expand(parent))
        {
            try
            {
                expanded.AddRange(Directory.Exists(under) ? Directory.GetDirectories(under).Order(StringComparer.Ordinal) : []);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A mount point we may not list (another user's /media folder) holds no claim for us.
            }
        }

        return expanded;
    }
}
