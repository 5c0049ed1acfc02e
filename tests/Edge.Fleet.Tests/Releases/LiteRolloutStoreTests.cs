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
}
