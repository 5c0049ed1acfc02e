using Edge.Fleet.Releases;
using Edge.Wire;

namespace Edge.Fleet.Tests.Releases;

/// <summary>What every <see cref="IRolloutStore"/> must do, whatever engine keeps the rollouts.</summary>
public abstract class RolloutStoreContract : IAsyncLifetime
{
    protected static readonly DateTime Now = new(2026, 11, 23, 13, 0, 0, DateTimeKind.Utc);

    private IRolloutStore? _store;

    protected IRolloutStore Store => _store ?? throw new InvalidOperationException("The store has not been created.");

    /// <summary>A store on fresh, empty storage, owned by this test (disposed after it when disposable).</summary>
    protected abstract Task<IRolloutStore> CreateStoreAsync();

    public virtual async Task InitializeAsync() => _store = await CreateStoreAsync();

    public virtual Task DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_created_rollout_is_found_with_its_devices_by_stage()
    {
        Assert.Null(await CreateAsync("r1", ["c1"], ["c3", "c2"]));

        var rollout = await Store.FindAsync("r1", CancellationToken.None);
        Assert.NotNull(rollout);
        Assert.Equal(("9.0.2", "admin", RolloutStates.Active, Now), (rollout.Version, rollout.CreatedBy, rollout.Status, rollout.CreatedAt));
        var targets = await Store.TargetsAsync("r1", CancellationToken.None);
        Assert.Equal([("c1", 0), ("c2", 1), ("c3", 1)], targets.Select(t => (t.DeviceId, t.Stage)));
        Assert.All(targets, t => Assert.Equal((UpdateStates.Pending, false, Now), (t.State, t.Offered, t.UpdatedAt)));
        Assert.Equal("r1/c2", (await Store.TargetAsync("r1", "c2", CancellationToken.None))?.Key);
        Assert.Null(await Store.TargetAsync("r1", "c9", CancellationToken.None));
        Assert.Null(await Store.FindAsync("r9", CancellationToken.None));
    }

    [Fact]
    public async Task Rollouts_are_listed_newest_first()
    {
        await CreateAsync("r1", ["a"]);
        await CreateAsync("r2", [["b"]], Now.AddMinutes(1));

        Assert.Equal(["r2", "r1"], (await Store.ListAsync(CancellationToken.None)).Select(r => r.Id));
    }

    [Fact]
    public async Task A_device_still_in_an_active_rollout_cannot_join_another_until_it_finished_or_that_rollout_ended()
    {
        await CreateAsync("r1", ["a", "b"]);

        Assert.Equal(new BusyDevice("b", "r1"), await CreateAsync("r2", ["c", "b"]));
        Assert.Null(await Store.FindAsync("r2", CancellationToken.None));
        Assert.Null(await Store.ActiveRolloutOfAsync("c", CancellationToken.None));
        Assert.Equal("r1", await Store.ActiveRolloutOfAsync("a", CancellationToken.None));

        await Store.UpdateAsync("r1", "b", t => { t.State = UpdateStates.Healthy; return true; }, CancellationToken.None);
        Assert.Null(await CreateAsync("r2", ["c", "b"]));
        Assert.Equal(new BusyDevice("a", "r1"), await CreateAsync("r3", ["a"]));

        Assert.True(await Store.EndAsync("r1", RolloutStates.Halted, "stop", CancellationToken.None));
        Assert.Null(await Store.ActiveRolloutOfAsync("a", CancellationToken.None));
        Assert.Null(await CreateAsync("r3", ["a"]));
    }

    [Fact]
    public async Task An_update_is_stored_only_when_the_change_says_so()
    {
        await CreateAsync("r1", ["a"]);

        var unchanged = await Store.UpdateAsync("r1", "a", t => { t.State = UpdateStates.Refused; return false; }, CancellationToken.None);
        Assert.Equal(UpdateStates.Pending, unchanged?.State);
        Assert.Equal(UpdateStates.Pending, (await Store.TargetAsync("r1", "a", CancellationToken.None))?.State);

        var changed = await Store.UpdateAsync("r1", "a", t =>
        {
            t.State = UpdateStates.RolledBack;
            t.Reason = "health check failed";
            t.HostVersion = "9.0.1";
            t.Offered = true;
            t.OfferedAt = Now.AddMinutes(1);
            t.UpdatedAt = Now.AddMinutes(2);
            t.TokenHashes.Add("h1");
            return true;
        }, CancellationToken.None);
        var stored = await Store.TargetAsync("r1", "a", CancellationToken.None);

        foreach (var target in new[] { changed, stored })
        {
            Assert.NotNull(target);
            Assert.Equal((UpdateStates.RolledBack, "health check failed", "9.0.1", true, Now.AddMinutes(1), Now.AddMinutes(2)),
                (target.State, target.Reason, target.HostVersion, target.Offered, target.OfferedAt, target.UpdatedAt));
            Assert.Equal(["h1"], target.TokenHashes);
        }

        Assert.Null(await Store.UpdateAsync("r1", "nobody", _ => true, CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_updates_of_one_device_lose_nothing()
    {
        await CreateAsync("r1", ["a"]);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            Store.UpdateAsync("r1", "a", t => { t.TokenHashes.Add($"h{i}"); return true; }, CancellationToken.None))));

        var target = await Store.TargetAsync("r1", "a", CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"h{i}").Order(), target!.TokenHashes.Order());
    }

    [Fact]
    public async Task A_rollout_ends_once_and_only_from_active()
    {
        await CreateAsync("r1", ["a"]);

        Assert.True(await Store.EndAsync("r1", RolloutStates.Halted, "halted by admin", CancellationToken.None));
        Assert.False(await Store.EndAsync("r1", RolloutStates.Completed, null, CancellationToken.None));
        Assert.False(await Store.EndAsync("r9", RolloutStates.Halted, null, CancellationToken.None));

        var rollout = await Store.FindAsync("r1", CancellationToken.None);
        Assert.Equal((RolloutStates.Halted, "halted by admin"), (rollout!.Status, rollout.Reason));
    }

    [Fact]
    public async Task Offers_are_stale_once_their_device_finished_or_their_rollout_ended()
    {
        await CreateAsync("r1", ["a", "b", "c"]);
        await CreateAsync("r2", ["d"]);
        foreach (var (rollout, device, state) in new[] { ("r1", "a", UpdateStates.Healthy), ("r1", "b", UpdateStates.Downloading), ("r2", "d", UpdateStates.Pending) })
        {
            await Store.UpdateAsync(rollout, device, t => { t.Offered = true; t.State = state; return true; }, CancellationToken.None);
        }

        Assert.Equal(["r1/a"], (await Store.StaleOffersAsync(CancellationToken.None)).Select(t => t.Key));

        await Store.EndAsync("r2", RolloutStates.Halted, "stop", CancellationToken.None);
        Assert.Equal(["r1/a", "r2/d"], (await Store.StaleOffersAsync(CancellationToken.None)).Select(t => t.Key).Order());
    }

    protected Task<BusyDevice?> CreateAsync(string id, params IReadOnlyList<string>[] stages) => CreateAsync(id, stages, Now);

    protected Task<BusyDevice?> CreateAsync(string id, IReadOnlyList<string>[] stages, DateTime at) =>
        Store.CreateAsync(new Rollout { Id = id, Version = "9.0.2", CreatedAt = at, CreatedBy = "admin" }, stages, at, CancellationToken.None);
}
