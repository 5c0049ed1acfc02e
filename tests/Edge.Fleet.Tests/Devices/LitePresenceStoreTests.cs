using Edge.Fleet.Devices;
using Edge.Fleet.Tests.Health;

namespace Edge.Fleet.Tests.Devices;

public sealed class LitePresenceStoreTests : PresenceStoreContract
{
    protected override Task<IPresenceStore> CreateStoreAsync() => Task.FromResult<IPresenceStore>(new LitePresenceStore(FileIn("presence.db")));

    [Fact]
    public async Task A_store_opened_on_an_existing_file_decides_statuses_from_what_the_file_holds()
    {
        var path = FileIn("reopened.db");
        using (var first = new LitePresenceStore(path))
        {
            await first.ApplyAsync([new PresenceChange("dev-1", true, "s1", Now), new PresenceChange("dev-2", true, "s2", Now)], CancellationToken.None);
        }

        using var second = new LitePresenceStore(path);
        var changed = await second.ApplyAsync(
            [new PresenceChange("dev-1", true, "s1", Now.AddSeconds(1)), new PresenceChange("dev-2", false, "s2", Now.AddSeconds(1)), new PresenceChange("dev-3", false, "s3", Now)],
            CancellationToken.None);

        Assert.Equal([false, true, false], changed);
        var all = await second.ReadAllAsync(CancellationToken.None);
        Assert.Equal(["dev-1", "dev-2"], all.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((true, Now.AddSeconds(1)), (all["dev-1"].Online, all["dev-1"].LastSeen));
        Assert.False(all["dev-2"].Online);
    }
}
