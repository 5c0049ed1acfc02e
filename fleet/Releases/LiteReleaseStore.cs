using System.Text.Json;
using Edge.Fleet.Store;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Releases;

/// <summary>
/// Releases of the embedded fleet, as files: one folder per version under <c>{Fleet:DataDir}/releases/</c> with the
/// archive, its manifest and its detached signature, exactly as the signing verb wrote them. An upload is written to a
/// hidden folder and renamed into place once checked (and flushed), so a half-written version is never seen. An upload
/// the disk has no room for is removed and refused with <see cref="StoreUnavailableException"/> naming the release store
/// (503 at the API, counted in <paramref name="outages"/>); there is no engine to reopen: the next upload simply tries again.
/// </summary>
public sealed class LiteReleaseStore(IOptions<FleetOptions> fleet, StoreOutages? outages = null) : IReleaseStore
{
    private const int PieceSize = 80 * 1024;

    private readonly string _root = fleet.Value.FileIn("releases");

    /// <summary>The store's name in 503 answers and <c>/metrics</c>.</summary>
    public static string Name => "release";

    public async Task<string?> SaveAsync(ReleaseManifest manifest, string signature, Stream archive, CancellationToken cancellationToken)
    {
        try
        {
            return await SaveCheckedAsync(manifest, signature, archive, cancellationToken);
        }
        catch (IOException ex) when (IsDiskFull(ex))
        {
            outages?.Refused(Name);
            throw new StoreUnavailableException($"the {Name} store cannot keep version {manifest.Version}: {ex.Message}", ex);
        }
    }

    /// <summary>ENOSPC or EDQUOT (.NET on Unix puts the errno in <see cref="Exception.HResult"/>), or the message that says so.</summary>
    private static bool IsDiskFull(IOException ex) =>
        ex.HResult is 28 or 122 || ex.Message.Contains("No space left on device", StringComparison.Ordinal);

    private async Task<string?> SaveCheckedAsync(ReleaseManifest manifest, string signature, Stream archive, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(_root, manifest.Version);
        if (Directory.Exists(folder))
        {
            return CheckedArchiveCopy.VersionExists(manifest.Version);
        }

        var partial = Path.Combine(_root, $".{manifest.Version}.{Guid.NewGuid():N}");
        Directory.CreateDirectory(partial);
        try
        {
            await using (var file = File.Create(Path.Combine(partial, ReleaseManifest.ArchiveName(manifest.Version))))
            {
                var problem = await CheckedArchiveCopy.CopyAsync(manifest, archive, PieceSize,
                    (piece, _) => file.WriteAsync(piece, cancellationToken).AsTask(), cancellationToken);
                if (problem is not null)
                {
                    return problem;
                }

                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            await File.WriteAllBytesAsync(Path.Combine(partial, ReleaseManifest.ManifestName(manifest.Version)),
                JsonSerializer.SerializeToUtf8Bytes(manifest, ReleaseJson.Default.ReleaseManifest), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(partial, ReleaseManifest.SignatureName(manifest.Version)), signature.Trim(), cancellationToken);
            try
            {
                Directory.Move(partial, folder);
            }
            catch (IOException) when (Directory.Exists(folder))
            {
                return CheckedArchiveCopy.VersionExists(manifest.Version);
            }

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

    public Task<ReleaseView?> FindAsync(string version, CancellationToken cancellationToken) => Task.FromResult(Find(version));

    public Task<IReadOnlyList<ReleaseView>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ReleaseView>>(Directory.Exists(_root)
            ? Directory.EnumerateDirectories(_root).Select(Path.GetFileName).OfType<string>().Select(Find).OfType<ReleaseView>()
                .OrderByDescending(r => r.UploadedAt).ToList()
            : []);

    public Task<Stream?> OpenArchiveAsync(string version, CancellationToken cancellationToken)
    {
        if (!ReleaseVersion.IsValid(version))
        {
            return Task.FromResult<Stream?>(null);
        }

        try
        {
            return Task.FromResult<Stream?>(new FileStream(
                Path.Combine(_root, version, ReleaseManifest.ArchiveName(version)), FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    private ReleaseView? Find(string version)
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
}
