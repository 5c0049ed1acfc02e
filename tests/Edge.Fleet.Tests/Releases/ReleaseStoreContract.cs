using System.Security.Cryptography;
using Edge.Fleet.Releases;
using Edge.Wire;

namespace Edge.Fleet.Tests.Releases;

/// <summary>What every <see cref="IReleaseStore"/> must do, whatever engine keeps the releases.</summary>
public abstract class ReleaseStoreContract : IAsyncLifetime
{
    /// <summary>Longer than a few PostgreSQL chunks, and not a multiple of their size.</summary>
    protected const int ArchiveBytes = (3 * 256 * 1024) + 12_345;

    private IReleaseStore? _store;

    protected IReleaseStore Store => _store ?? throw new InvalidOperationException("The store has not been created.");

    /// <summary>A store on fresh, empty storage, owned by this test.</summary>
    protected abstract Task<IReleaseStore> CreateStoreAsync();

    public virtual async Task InitializeAsync() => _store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_saved_release_is_found_listed_and_its_archive_reads_back_byte_identical()
    {
        var (manifest, archive) = Release("9.0.2", ArchiveBytes);

        Assert.Null(await SaveAsync(manifest, archive));

        var found = await Store.FindAsync("9.0.2", CancellationToken.None);
        Assert.NotNull(found);
        Assert.Equal((manifest.Version, manifest.Sha256, manifest.Size, "sig-9.0.2"), (found.Version, found.Sha256, found.Size, found.Signature));
        Assert.Equal(["9.0.2"], (await Store.ListAsync(CancellationToken.None)).Select(r => r.Version));
        Assert.Equal(archive, await ReadAllAsync(Store, "9.0.2"));
    }

    [Fact]
    public async Task A_version_is_never_replaced()
    {
        var (first, archive) = Release("9.0.2", 5_000);
        var (second, other) = Release("9.0.2", 6_000);
        Assert.Null(await SaveAsync(first, archive));

        var problem = await SaveAsync(second, other);

        Assert.Contains("exists already", problem);
        Assert.Equal(archive, await ReadAllAsync(Store, "9.0.2"));
    }

    [Fact]
    public async Task An_archive_that_is_not_the_manifests_is_refused_and_nothing_is_stored()
    {
        var (manifest, archive) = Release("9.0.3", ArchiveBytes);
        var tampered = archive.ToArray();
        tampered[^1] ^= 0xff;

        Assert.Contains("is not the one the manifest describes", await SaveAsync(manifest, tampered));
        Assert.Contains("larger than the manifest's", await SaveAsync(manifest, [.. archive, 1]));
        Assert.Contains("is not the one the manifest describes", await SaveAsync(manifest, archive[..^1]));

        Assert.Null(await Store.FindAsync("9.0.3", CancellationToken.None));
        Assert.Null(await Store.OpenArchiveAsync("9.0.3", CancellationToken.None));
        Assert.Empty(await Store.ListAsync(CancellationToken.None));
        Assert.Null(await SaveAsync(manifest, archive));
    }

    [Fact]
    public async Task The_archive_seeks_for_range_requests()
    {
        var (manifest, archive) = Release("9.0.4", ArchiveBytes);
        await SaveAsync(manifest, archive);

        await using var stream = await Store.OpenArchiveAsync("9.0.4", CancellationToken.None);
        Assert.NotNull(stream);
        Assert.True(stream.CanSeek);
        Assert.Equal(archive.Length, stream.Length);
        var from = (256 * 1024) - 100;
        stream.Seek(from, SeekOrigin.Begin);
        var range = new byte[300];
        await stream.ReadExactlyAsync(range);
        Assert.Equal(archive.AsSpan(from, 300).ToArray(), range);

        stream.Seek(-10, SeekOrigin.End);
        var tail = new byte[20];
        Assert.Equal(10, await stream.ReadAtLeastAsync(tail, 20, throwOnEndOfStream: false));
        Assert.Equal(archive[^10..], tail[..10]);
    }

    [Fact]
    public async Task Unknown_versions_have_nothing()
    {
        Assert.Null(await Store.FindAsync("1.0.0", CancellationToken.None));
        Assert.Null(await Store.OpenArchiveAsync("1.0.0", CancellationToken.None));
        Assert.Null(await Store.OpenArchiveAsync("../../etc", CancellationToken.None));
        Assert.Empty(await Store.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Releases_are_listed_newest_upload_first()
    {
        foreach (var version in new[] { "1.0.0", "1.1.0", "1.2.0" })
        {
            var (manifest, archive) = Release(version, 100);
            await SaveAsync(manifest, archive);
            await Task.Delay(20);
        }

        Assert.Equal(["1.2.0", "1.1.0", "1.0.0"], (await Store.ListAsync(CancellationToken.None)).Select(r => r.Version));
    }

    /// <summary>A manifest and random archive bytes that match it.</summary>
    public static (ReleaseManifest Manifest, byte[] Archive) Release(string version, int bytes)
    {
        var archive = RandomNumberGenerator.GetBytes(bytes);
        return (new ReleaseManifest(version, Convert.ToHexStringLower(SHA256.HashData(archive)), bytes), archive);
    }

    public static async Task<byte[]> ReadAllAsync(IReleaseStore store, string version)
    {
        await using var stream = await store.OpenArchiveAsync(version, CancellationToken.None) ?? throw new InvalidOperationException($"no archive {version}");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, 10_000);
        return copy.ToArray();
    }

    protected Task<string?> SaveAsync(ReleaseManifest manifest, byte[] archive) =>
        Store.SaveAsync(manifest, $"sig-{manifest.Version}", new MemoryStream(archive), CancellationToken.None);
}
