using Edge.Fleet.Releases;
using Edge.Fleet.Store;
using Edge.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Tests.Releases;

/// <summary>The release store contract on the embedded engine: files under <c>{Fleet:DataDir}/releases/</c>.</summary>
public sealed class LiteReleaseStoreTests : ReleaseStoreContract
{
    private readonly TempFolder _folder = new("lite-releases");

    protected override Task<IReleaseStore> CreateStoreAsync() =>
        Task.FromResult<IReleaseStore>(new LiteReleaseStore(Options.Create(new FleetOptions { DataDir = _folder.Path })));

    public override Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_release_is_kept_as_the_signing_verbs_files()
    {
        var (manifest, archive) = Release("9.0.2", 1_000);
        await SaveAsync(manifest, archive);

        var folder = Path.Combine(_folder.Path, "releases", "9.0.2");
        Assert.Equal(archive, await File.ReadAllBytesAsync(Path.Combine(folder, "edge-device-9.0.2.tar.gz")));
        Assert.Equal("sig-9.0.2", await File.ReadAllTextAsync(Path.Combine(folder, "edge-device-9.0.2.sig")));
        Assert.Equal(["9.0.2"], Directory.GetDirectories(Path.Combine(_folder.Path, "releases")).Select(Path.GetFileName));
    }

    /// <summary>On a real full disk (a 1 MiB tmpfs this test mounts: it must run as root, as CI does).</summary>
    [Fact]
    public async Task An_upload_the_disk_has_no_room_for_is_refused_naming_the_release_store_and_leaves_nothing_behind()
    {
        using var disk = await FleetDataDisk.MountAsync(_folder["tiny"], 1);
        Assert.True(disk.Unavailable is null, $"this test mounts a tmpfs and must run as root: {disk.Unavailable}");
        var outages = new StoreOutages(NullLogger<StoreOutages>.Instance, TimeProvider.System);
        var store = new LiteReleaseStore(Options.Create(new FleetOptions { DataDir = disk.Path }), outages);
        var (large, largeArchive) = Release("9.0.3", 2 << 20);

        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            store.SaveAsync(large, "sig", new MemoryStream(largeArchive), CancellationToken.None));

        Assert.Contains("the release store", refused.Message, StringComparison.Ordinal);
        Assert.Contains("No space left on device", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(disk.Path, "releases")));
        Assert.Equal(1, Assert.Single(outages.Snapshot(), s => s.Name == "release").Refused);

        // The space the refused upload took is free again: a release that fits is kept.
        var (small, smallArchive) = Release("9.0.2", 100_000);
        Assert.Null(await store.SaveAsync(small, "sig", new MemoryStream(smallArchive), CancellationToken.None));
        Assert.Equal(smallArchive, await ReadAllAsync(store, "9.0.2"));
        Assert.Null(await store.FindAsync("9.0.3", CancellationToken.None));
    }
}
