using Edge.Fleet.RatingKeys;

using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.RatingKeys;

/// <summary>What every <see cref="IRatingKeyStore"/> must do, whatever engine is behind it.</summary>
public abstract class RatingKeyStoreContract : StoreContractBase<IRatingKeyStore>
{
    [Fact]
    public async Task An_empty_store_knows_no_keys()
    {
        var keys = await Store.LoadAsync(CancellationToken.None);

        Assert.Empty(keys.Counters);
        Assert.Empty(keys.Fields);
        Assert.Empty(keys.DeviceCounters);
    }

    [Fact]
    public async Task Keys_are_learnt_once_and_a_device_keeps_the_last_counter_it_named()
    {
        Assert.True(await Store.LearnAsync("dev-a", "c2", ["wait", "staff"], CancellationToken.None));
        Assert.False(await Store.LearnAsync("dev-a", "c2", ["staff"], CancellationToken.None));
        Assert.True(await Store.LearnAsync("dev-b", null, ["clean"], CancellationToken.None));
        Assert.True(await Store.LearnAsync("dev-a", "c1", [], CancellationToken.None));

        var keys = await Store.LoadAsync(CancellationToken.None);

        Assert.Equal(["c1", "c2"], keys.Counters);
        Assert.Equal(["clean", "staff", "wait"], keys.Fields);
        Assert.Equal(new Dictionary<string, string> { ["dev-a"] = "c1" }, keys.DeviceCounters);
    }

    [Fact]
    public async Task What_many_devices_named_is_learnt_in_one_write()
    {
        await Store.LearnAsync("dev-a", "c1", ["wait"], CancellationToken.None);
        var learnt = new RatingKeySet(
            ["c1", "c2"], ["wait", "staff"], new Dictionary<string, string> { ["dev-a"] = "c1", ["dev-b"] = "c2", ["dev-c"] = "c2" });

        Assert.True(await Store.LearnAsync(learnt, CancellationToken.None));
        Assert.False(await Store.LearnAsync(learnt, CancellationToken.None));

        var keys = await Store.LoadAsync(CancellationToken.None);
        Assert.Equal(["c1", "c2"], keys.Counters);
        Assert.Equal(["staff", "wait"], keys.Fields);
        Assert.Equal(learnt.DeviceCounters, keys.DeviceCounters);
    }
}
