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
}
