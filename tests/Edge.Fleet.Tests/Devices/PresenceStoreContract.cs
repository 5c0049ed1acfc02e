using Edge.Fleet.Devices;
using Edge.Fleet.Tests.Health;

using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.Devices;

/// <summary>What every <see cref="IPresenceStore"/> must do, whatever engine is behind it.</summary>
public abstract class PresenceStoreContract : StoreContractBase<IPresenceStore>
{
    protected static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_new_session_comes_online_once_and_a_repeat_only_moves_last_seen()
    {
        Assert.True(await Store.MarkOnlineAsync("dev-a", "s1", Now, CancellationToken.None));
        Assert.False(await Store.MarkOnlineAsync("dev-a", "s1", Now.AddSeconds(5), CancellationToken.None));
        Assert.True(await Store.MarkOnlineAsync("dev-a", "s2", Now.AddSeconds(9), CancellationToken.None));

        var presence = Assert.Single(await Store.ReadAllAsync(CancellationToken.None));
        Assert.Equal(("dev-a", new Presence(true, "s2", Now.AddSeconds(9))), (presence.Key, presence.Value));
    }

    [Fact]
    public async Task Offline_counts_only_for_the_current_session()
    {
        await Store.MarkOnlineAsync("dev-a", "s1", Now, CancellationToken.None);
        await Store.MarkOnlineAsync("dev-a", "s2", Now.AddSeconds(1), CancellationToken.None);

        await Store.MarkOfflineAsync("dev-a", "s1", Now.AddSeconds(2), CancellationToken.None);
        Assert.Equal(new Presence(true, "s2", Now.AddSeconds(1)), (await Store.ReadAllAsync(CancellationToken.None))["dev-a"]);

        await Store.MarkOfflineAsync("dev-a", "s2", Now.AddSeconds(3), CancellationToken.None);
        Assert.Equal(new Presence(false, "s2", Now.AddSeconds(3)), (await Store.ReadAllAsync(CancellationToken.None))["dev-a"]);

        Assert.True(await Store.MarkOnlineAsync("dev-a", "s2", Now.AddSeconds(4), CancellationToken.None));
    }

    [Fact]
    public async Task A_session_ended_twice_keeps_the_time_it_first_ended()
    {
        await Store.MarkOnlineAsync("dev-a", "s1", Now, CancellationToken.None);
        await Store.MarkOfflineAsync("dev-a", "s1", Now.AddSeconds(2), CancellationToken.None);
        await Store.MarkOfflineAsync("dev-a", "s1", Now.AddSeconds(3), CancellationToken.None);

        Assert.Equal(new Presence(false, "s1", Now.AddSeconds(2)), (await Store.ReadAllAsync(CancellationToken.None))["dev-a"]);
    }

    [Fact]
    public async Task A_batch_applies_its_changes_in_order_and_answers_each()
    {
        PresenceChange[] changes =
        [
            new("dev-b", true, "s1", Now),
            new("dev-a", true, "s1", Now),
            new("dev-a", true, "s1", Now.AddSeconds(1)),
            new("dev-a", false, "s1", Now.AddSeconds(2)),
            new("dev-b", false, "s0", Now.AddSeconds(2)),
            new("dev-a", true, "s2", Now.AddSeconds(3)),
            new("dev-a", false, "s1", Now.AddSeconds(4)),
            new("dev-c", false, "s1", Now.AddSeconds(4)),
        ];

        var changed = await Store.ApplyAsync(changes, CancellationToken.None);

        Assert.Equal([true, true, false, true, false, true, false, false], changed);
        var all = await Store.ReadAllAsync(CancellationToken.None);
        Assert.Equal(2, all.Count);
        Assert.Equal(new Presence(true, "s2", Now.AddSeconds(3)), all["dev-a"]);
        Assert.Equal(new Presence(true, "s1", Now), all["dev-b"]);
        Assert.Empty(await Store.ApplyAsync([], CancellationToken.None));
    }

    [Fact]
    public async Task Offline_of_a_device_never_seen_records_nothing()
    {
        await Store.MarkOfflineAsync("dev-x", "s1", Now, CancellationToken.None);

        Assert.Empty(await Store.ReadAllAsync(CancellationToken.None));
    }
}
