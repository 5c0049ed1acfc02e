using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Edge.Device.Updates;

/// <summary>
/// The release archive: a gzip-compressed tar of a published device host folder (files at the top level, no base
/// folder), from the base library (System.Formats.Tar). Unpacking accepts only folders and regular files inside the
/// destination, and keeps the Unix permission bits.
/// </summary>
public static class ReleaseArchive
{
    public static void Pack(string publishedFolder, string archivePath)
    {
        using var file = File.Create(archivePath);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        TarFile.CreateFromDirectory(publishedFolder, gzip, includeBaseDirectory: false);
    }

    /// <summary>SHA-256 (lower-case hex) and size of a file.</summary>
    public static (string Sha256, long Size) Measure(string path)
    {
        using var file = File.OpenRead(path);
        return (Convert.ToHexStringLower(SHA256.HashData(file)), file.Length);
    }

    /// <summary>Unpacks into <paramref name="destination"/> (which must not exist yet). Throws <see cref="InvalidDataException"/> for an entry it refuses.</summary>
    public static void Unpack(string archivePath, string destination)
    {
        var root = Path.GetFullPath(destination) + Path.DirectorySeparatorChar;
        Directory.CreateDirectory(root);
        using var file = File.OpenRead(archivePath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            var name = entry.Name.Replace('\\', '/');
            name = name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name;
            if (name is "" or "." or "./")
            {
                continue;
            }

            if (name.StartsWith('/') || name.Split('/').Contains(".."))
            {
                throw new InvalidDataException($"archive entry '{entry.Name}' points outside the release folder");
            }

            var target = Path.GetFullPath(Path.Combine(root, name));
            if (!target.StartsWith(root, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"archive entry '{entry.Name}' points outside the release folder");
            }

            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    entry.ExtractToFile(target, overwrite: false);
                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(target, entry.Mode & (UnixFileMode)0x1ED); // rwxr-xr-x at most
                    }

                    break;
                case TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes:
                    break;
                default:
                    throw new InvalidDataException($"archive entry '{entry.Name}' is a {entry.EntryType}; only folders and files are accepted");
            }
        }
    }
}
