using Edge.Fleet.DeviceConfig;
using Edge.Testing;

namespace Edge.Fleet.Tests.DeviceConfig;

/// <summary>The desired-configuration contract on LiteDB, plus what only a file-backed store has to show.</summary>
public sealed class LiteDesiredConfigStoreTests : DesiredConfigStoreContract
{
    private readonly TempFolder _folder = new("config-store");

    protected override Task<IDesiredConfigStore> CreateStoreAsync() =>
        Task.FromResult<IDesiredConfigStore>(new LiteDesiredConfigStore(_folder[LiteDesiredConfigStore.FileName]));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Revisions_keep_growing_after_a_reopen()
    {
        var first = await PutAsync(ConfigLayers.DeviceLayer("dev-1"), "{}");
        await base.DisposeAsync();

        using var reopened = new LiteDesiredConfigStore(_folder[LiteDesiredConfigStore.FileName]);
        var next = await reopened.PutAsync(ConfigLayers.CentreLayer("c"), Settings("{}"), "tech", At, CancellationToken.None);

        Assert.True(next.Revision > first.Revision);
        Assert.NotNull(await reopened.FindLayerAsync(ConfigLayers.DeviceLayer("dev-1"), CancellationToken.None));
    }
}
