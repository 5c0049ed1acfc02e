using Edge.Fleet.Hosting;
using Edge.Fleet.Releases;
using Edge.Testing;
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
}
