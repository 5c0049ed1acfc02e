using Edge.Fleet.Tests.Support;
using Edge.Fleet.Releases;
using Edge.Testing;
using Edge.Wire;

namespace Edge.Fleet.Tests.Releases;

/// <summary>The rollout store contract on the embedded engine (<c>rollouts.db</c>), plus reopening the file.</summary>
public sealed class LiteRolloutStoreTests : RolloutStoreContract
{
    private readonly TempFolder _folder = new("lite-rollouts");

    protected override Task<IRolloutStore> CreateStoreAsync() => Task.FromResult<IRolloutStore>(new LiteRolloutStore(_folder["rollouts.db"]));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Everything_is_still_there_after_reopening_the_file()
    {
        await CreateAsync("r1", ["a"], ["b"]);
        await Store.UpdateAsync("r1", "a", t => { t.Offered = true; t.State = UpdateStates.Installed; t.TokenHashes.Add("h"); return true; }, CancellationToken.None);
        await Store.EndAsync("r1", RolloutStates.Halted, "stop", CancellationToken.None);
        await base.DisposeAsync();

        using var reopened = new LiteRolloutStore(_folder["rollouts.db"]);

        Assert.Equal(RolloutStates.Halted, (await reopened.FindAsync("r1", CancellationToken.None))?.Status);
        var a = await reopened.TargetAsync("r1", "a", CancellationToken.None);
        Assert.Equal((UpdateStates.Installed, true, 0), (a!.State, a.Offered, a.Stage));
        Assert.Equal(["h"], a.TokenHashes);
        Assert.Equal(1, (await reopened.TargetAsync("r1", "b", CancellationToken.None))?.Stage);
    }

    [Fact]
    public async Task On_a_full_disk_a_rollout_change_is_refused_naming_the_rollout_store_then_stored_without_a_restart()
    {
        var outage = new FullDiskOutage();
        using var store = new LiteRolloutStore("rollouts.db", outage.Outages, outage.Opening);
        Assert.Null(await store.CreateAsync(new Rollout { Id = "r1", Version = "9.0.2", CreatedAt = Now, CreatedBy = "admin" }, [["c1", "c2"]], Now, default));

        await outage.ShowsOutageAndRecoveryAsync(
            "rollout",
            async () => Assert.NotNull(await store.UpdateAsync("r1", "c1", t => { t.State = UpdateStates.Installed; return true; }, default)),
            async () =>
            {
                Assert.Equal(UpdateStates.Installed, (await store.TargetAsync("r1", "c1", default))?.State);
                Assert.Equal(UpdateStates.Pending, (await store.TargetAsync("r1", "c2", default))?.State);
                Assert.Equal("r1", Assert.Single(await store.ListAsync(default)).Id);
            },
            () => store.EndAsync("r1", RolloutStates.Halted, "stop", default),
            () => store.ListAsync(default));

        // What the file holds after the outage is what the store shows: the change that failed was not kept in memory.
        store.Dispose();
        using var reopened = new LiteRolloutStore("rollouts.db", null, outage.Opening);
        Assert.Equal(RolloutStates.Active, (await reopened.FindAsync("r1", default))?.Status);
        Assert.Equal(UpdateStates.Installed, (await reopened.TargetAsync("r1", "c1", default))?.State);
    }
}
