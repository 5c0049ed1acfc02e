using Edge.Fleet.Centres;
using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.Centres;

/// <summary>The centre directory contract on LiteDB, a directory that survives a reopen, and a full disk.</summary>
public sealed class LiteCentreStoreTests : CentreStoreContract
{
    protected override Task<ICentreStore> CreateStoreAsync() => Task.FromResult<ICentreStore>(new LiteCentreStore(FileIn(LiteCentreStore.FileName)));

    [Fact]
    public async Task A_saved_centre_is_there_after_a_reopen()
    {
        await Store.SaveAsync([Centre("hn-1", "01", board: false)], CancellationToken.None);
        ((IDisposable)Store).Dispose();

        using var reopened = new LiteCentreStore(FileIn(LiteCentreStore.FileName));
        Assert.False((await reopened.FindAsync("hn-1", CancellationToken.None))!.PublicBoard);
    }

    [Fact]
    public async Task On_a_full_disk_a_save_is_refused_naming_the_centres_store_then_stored_without_a_restart()
    {
        var outage = new FullDiskOutage();
        using var store = new LiteCentreStore(LiteCentreStore.FileName, outage.Outages, outage.Opening);
        await store.SaveAsync([Centre("hn-1", "01")], CancellationToken.None);

        await outage.ShowsOutageAndRecoveryAsync(
            "centres",
            () => store.SaveAsync([Centre("hn-2", "01")], CancellationToken.None),
            async () => Assert.Equal(["hn-1", "hn-2"], (await store.ListAsync(CancellationToken.None)).Select(c => c.Id)),
            () => store.ListAsync(CancellationToken.None),
            () => store.DeleteAsync("hn-1", CancellationToken.None));
    }
}
