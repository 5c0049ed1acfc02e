using Edge.Fleet.Commands;
using Edge.Fleet.Tests.Support;
using Edge.Wire;

namespace Edge.Fleet.Tests.Commands;

/// <summary>
/// What every <see cref="ICommandStore"/> must do, whatever engine is behind it. A test class per engine derives from
/// this and makes a store on fresh, empty storage.
/// </summary>
public abstract class CommandStoreContract : StoreContractBase<ICommandStore>
{
    protected static readonly DateTime Now = new(2026, 3, 2, 8, 0, 0, DateTimeKind.Utc);

    protected static CommandRecord Command(string id, string device = "dev-1", int issuedSecondsAgo = 0, int expiresInSeconds = 3600) => new()
    {
        Id = id,
        DeviceId = device,
        Kind = CommandKinds.Identify,
        IssuedAt = Now.AddSeconds(-issuedSecondsAgo),
        ExpiresAt = Now.AddSeconds(expiresInSeconds),
        TimeoutSeconds = 30,
        IssuedBy = "tech",
        LastSentAt = Now.AddSeconds(-issuedSecondsAgo),
    };

    protected async Task<CommandRecord> AddAsync(CommandRecord command)
    {
        await Store.AddAsync(command, CancellationToken.None);
        return command;
    }

    [Fact]
    public async Task An_added_command_comes_back_whole()
    {
        var added = await AddAsync(Command("c1"));

        var found = await Store.FindAsync("c1", CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(
            (added.DeviceId, added.Kind, CommandStates.Pending, (string?)null, added.IssuedAt, added.ExpiresAt, 30, "tech", (DateTime?)null, (DateTime?)null, added.LastSentAt),
            (found.DeviceId, found.Kind, found.State, found.Detail, found.IssuedAt, found.ExpiresAt, found.TimeoutSeconds, found.IssuedBy, found.StartedAt, found.FinishedAt, found.LastSentAt));
        Assert.Null(await Store.FindAsync("nope", CancellationToken.None));
    }

    [Fact]
    public async Task A_device_commands_are_listed_newest_first_up_to_the_limit()
    {
        await AddAsync(Command("old", issuedSecondsAgo: 30));
        await AddAsync(Command("new", issuedSecondsAgo: 10));
        await AddAsync(Command("mid", issuedSecondsAgo: 20));
        await AddAsync(Command("other", device: "dev-2"));

        Assert.Equal(["new", "mid", "old"], (await Store.OfDeviceAsync("dev-1", 10, CancellationToken.None)).Select(c => c.Id));
        Assert.Equal(["new", "mid"], (await Store.OfDeviceAsync("dev-1", 2, CancellationToken.None)).Select(c => c.Id));
    }

    [Fact]
    public async Task Open_commands_are_the_pending_and_running_ones_of_a_device_or_of_all()
    {
        await AddAsync(Command("pending"));
        await AddAsync(Command("running"));
        await AddAsync(Command("done"));
        await AddAsync(Command("elsewhere", device: "dev-2"));
        await Store.UpdateAsync("running", c => { c.State = CommandOutcomes.Running; c.StartedAt = Now; return true; }, CancellationToken.None);
        await Store.UpdateAsync("done", c => { c.State = CommandOutcomes.Succeeded; c.FinishedAt = Now; return true; }, CancellationToken.None);

        Assert.Equal(["pending", "running"], (await Store.OpenAsync("dev-1", CancellationToken.None)).Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Equal(["elsewhere", "pending", "running"], (await Store.OpenAsync(null, CancellationToken.None)).Select(c => c.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_update_stores_the_state_fields_and_returns_null_when_unchanged_or_unknown()
    {
        await AddAsync(Command("c1"));

        var updated = await Store.UpdateAsync("c1", c =>
        {
            c.State = CommandOutcomes.Failed;
            c.Detail = "printer out of paper";
            c.StartedAt = Now.AddSeconds(1);
            c.FinishedAt = Now.AddSeconds(2);
            return true;
        }, CancellationToken.None);
        var unchanged = await Store.UpdateAsync("c1", c => { c.Detail = "not stored"; return false; }, CancellationToken.None);
        var unknown = await Store.UpdateAsync("nope", _ => true, CancellationToken.None);

        Assert.NotNull(updated);
        Assert.Null(unchanged);
        Assert.Null(unknown);
        var stored = (await Store.FindAsync("c1", CancellationToken.None))!;
        Assert.Equal((CommandOutcomes.Failed, "printer out of paper", (DateTime?)Now.AddSeconds(1), (DateTime?)Now.AddSeconds(2)),
            (stored.State, stored.Detail, stored.StartedAt, stored.FinishedAt));
        Assert.True(stored.IsFinal);
    }

    [Fact]
    public async Task A_pending_command_is_claimed_for_delivery_once_per_quiet_period()
    {
        await AddAsync(Command("c1", issuedSecondsAgo: 60));
        var quiet = TimeSpan.FromSeconds(30);

        var first = await Store.ClaimDeliveryAsync("c1", Now, quiet, CancellationToken.None);
        var again = await Store.ClaimDeliveryAsync("c1", Now.AddSeconds(29), quiet, CancellationToken.None);
        var later = await Store.ClaimDeliveryAsync("c1", Now.AddSeconds(30), quiet, CancellationToken.None);

        Assert.Equal(Now, first?.LastSentAt);
        Assert.Null(again);
        Assert.Equal(Now.AddSeconds(30), later?.LastSentAt);
        Assert.Equal(Now.AddSeconds(30), (await Store.FindAsync("c1", CancellationToken.None))!.LastSentAt);
    }

    [Fact]
    public async Task An_expired_started_or_unknown_command_is_never_claimed_for_delivery()
    {
        await AddAsync(Command("expiring", issuedSecondsAgo: 600, expiresInSeconds: 10));
        await AddAsync(Command("started", issuedSecondsAgo: 600));
        await Store.UpdateAsync("started", c => { c.State = CommandOutcomes.Running; c.StartedAt = Now; return true; }, CancellationToken.None);
        var quiet = TimeSpan.FromSeconds(30);

        Assert.NotNull(await Store.ClaimDeliveryAsync("expiring", Now.AddSeconds(9), quiet, CancellationToken.None));
        Assert.Null(await Store.ClaimDeliveryAsync("expiring", Now.AddSeconds(60), quiet, CancellationToken.None));
        Assert.Null(await Store.ClaimDeliveryAsync("started", Now, quiet, CancellationToken.None));
        Assert.Null(await Store.ClaimDeliveryAsync("nope", Now, quiet, CancellationToken.None));
    }
}
