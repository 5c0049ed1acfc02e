using Edge.Wire;

namespace Edge.Fleet.Releases;

/// <summary>An uploaded release as the API shows it.</summary>
public sealed record ReleaseView(string Version, string Sha256, long Size, string Signature, DateTimeOffset UploadedAt);

/// <summary>
/// Uploaded releases: each version's signed manifest (version, SHA-256, size), its detached signature and its archive.
/// A version is immutable once stored. <see cref="LiteReleaseStore"/>: files in <c>{Fleet:DataDir}/releases/</c>;
/// <see cref="PostgresReleaseStore"/>: rows and archive chunks in the database, so any node serves any archive.
/// </summary>
public interface IReleaseStore
{
    /// <summary>
    /// Stores an upload after checking that the archive is the manifest's (size and SHA-256, while it is copied; nothing
    /// is visible until it all checked). Returns the problem in words, or null when stored.
    /// </summary>
    Task<string?> SaveAsync(ReleaseManifest manifest, string signature, Stream archive, CancellationToken cancellationToken);

    Task<ReleaseView?> FindAsync(string version, CancellationToken cancellationToken);

    /// <summary>Every release, newest upload first.</summary>
    Task<IReadOnlyList<ReleaseView>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The archive of <paramref name="version"/> as a seekable stream of known length (for HTTP range requests), read
    /// piece by piece, never whole into memory; null when there is none. The caller disposes it.
    /// </summary>
    Task<Stream?> OpenArchiveAsync(string version, CancellationToken cancellationToken);
}
