using System.Security.Cryptography;
using Edge.Wire;

namespace Edge.Fleet.Releases;

/// <summary>
/// Copies an uploaded archive piece by piece to wherever a release store keeps it, hashing as it goes, and says what
/// is wrong when the bytes are not the manifest's (longer than its size: stops at once; other size or SHA-256: at
/// the end). The store makes what was written visible only when this returns no problem.
/// </summary>
public static class CheckedArchiveCopy
{
    /// <summary>
    /// Reads <paramref name="source"/> in pieces of <paramref name="pieceSize"/> bytes (the last may be shorter) and
    /// hands each to <paramref name="write"/> with its index; returns the problem in words, or null.
    /// </summary>
    public static async Task<string?> CopyAsync(
        ReleaseManifest manifest, Stream source, int pieceSize, Func<ReadOnlyMemory<byte>, int, Task> write, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[pieceSize];
        long total = 0;
        for (var index = 0; ; index++)
        {
            var read = await source.ReadAtLeastAsync(buffer, pieceSize, throwOnEndOfStream: false, cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
            if (total > manifest.Size)
            {
                return $"the archive is larger than the manifest's {manifest.Size} bytes";
            }

            hash.AppendData(buffer, 0, read);
            await write(buffer.AsMemory(0, read), index);
            if (read < pieceSize)
            {
                break;
            }
        }

        var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        return total != manifest.Size || sha256 != manifest.Sha256
            ? $"the archive ({total} bytes, sha256 {sha256}) is not the one the manifest describes ({manifest.Size} bytes, sha256 {manifest.Sha256})"
            : null;
    }

    /// <summary>Why an upload of a version stored already is refused.</summary>
    public static string VersionExists(string version) => $"release {version} exists already (a version is never replaced: sign a new one)";
}
