using System.Security.Cryptography;
using System.Text.Json;
using Edge.Fleet.Hosting;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Releases;

/// <summary>An uploaded release as the API shows it.</summary>
public sealed record ReleaseView(string Version, string Sha256, long Size, string Signature, DateTimeOffset UploadedAt);

/// <summary>
/// Uploaded releases on disk, one folder per version under <c>{Fleet:DataDir}/releases/</c>: the archive, its
/// manifest and its detached signature, exactly as the signing verb wrote them. A version is immutable once stored.
/// </summary>
public sealed class ReleaseStore(IOptions<FleetOptions> fleet)
{
    private readonly string _root = fleet.Value.FileIn("releases");

    /// <summary>
    /// Stores an upload after checking that the archive is the manifest's (size and SHA-256, while it is copied).
    /// Returns the problem in words, or null when stored.
    /// </summary>
    public async Task<string?> SaveAsync(ReleaseManifest manifest, string signature, Stream archive, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(_root, manifest.Version);
        if (Directory.Exists(folder))
        {
            return $"release {manifest.Version} exists already (a version is never replaced: sign a new one)";
        }

        var partial = Path.Combine(_root, $".{manifest.Version}.{Guid.NewGuid():N}");
        Directory.CreateDirectory(partial);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long total = 0;
            await using (var file = File.Create(Path.Combine(partial, ReleaseManifest.ArchiveName(manifest.Version))))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await archive.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    total += read;
                    if (total > manifest.Size)
                    {
                        return $"the archive is larger than the manifest's {manifest.Size} bytes";
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (total != manifest.Size || sha256 != manifest.Sha256)
            {
                return $"the archive ({total} bytes, sha256 {sha256}) is not the one the manifest describes ({manifest.Size} bytes, sha256 {manifest.Sha256})";
            }

            await File.WriteAllBytesAsync(Path.Combine(partial, ReleaseManifest.ManifestName(manifest.Version)),
                JsonSerializer.SerializeToUtf8Bytes(manifest, ReleaseJson.Default.ReleaseManifest), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(partial, ReleaseManifest.SignatureName(manifest.Version)), signature.Trim(), cancellationToken);
            Directory.Move(partial, folder);
            return null;
        }
        finally
        {
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }
        }
    }

    public ReleaseView? Find(string version)
    {
        if (!ReleaseVersion.IsValid(version))
        {
            return null;
        }

        var folder = Path.Combine(_root, version);
        var manifestPath = Path.Combine(folder, ReleaseManifest.ManifestName(version));
        if (!File.Exists(manifestPath))
        {
            return null;
        }

        var manifest = JsonSerializer.Deserialize(File.ReadAllBytes(manifestPath), ReleaseJson.Default.ReleaseManifest)!;
        var signature = File.ReadAllText(Path.Combine(folder, ReleaseManifest.SignatureName(version))).Trim();
        return new ReleaseView(manifest.Version, manifest.Sha256, manifest.Size, signature, new DateTimeOffset(Directory.GetCreationTimeUtc(folder), TimeSpan.Zero));
    }

    public IReadOnlyList<ReleaseView> List() =>
        Directory.Exists(_root)
            ? Directory.EnumerateDirectories(_root).Select(Path.GetFileName).OfType<string>().Select(Find).OfType<ReleaseView>()
                .OrderByDescending(r => r.UploadedAt).ToList()
            : [];

    public string ArchivePath(string version) => Path.Combine(_root, version, ReleaseManifest.ArchiveName(version));
}
