using Edge.Fleet.CentreLan;

namespace Edge.Fleet.Tests.CentreLan;

/// <summary>The centre LAN contract on LiteDB, and a key that survives a reopen.</summary>
public sealed class LiteCentreLanStoreTests : CentreLanStoreContract
{
    protected override Task<ICentreLanStore> CreateStoreAsync() => Task.FromResult<ICentreLanStore>(new LiteCentreLanStore(FileIn(LiteCentreLanStore.FileName)));

    [Fact]
    public async Task The_key_handed_out_is_the_key_after_a_reopen()
    {
        var key = await Store.KeyOfAsync("c1", At, CancellationToken.None);
        ((IDisposable)Store).Dispose();

        using var reopened = new LiteCentreLanStore(FileIn(LiteCentreLanStore.FileName));
        Assert.Equal(key.Key, (await reopened.KeyOfAsync("c1", At, CancellationToken.None)).Key);
    }
}
