using Edge.Fleet.Broker;
using Edge.Fleet.Provisioning;
using Edge.Fleet.Registry;
using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.Registry;

/// <summary>What every <see cref="IEnrolmentStore"/> does, on either engine: a code provisions one device, once.</summary>
public abstract class EnrolmentStoreContract(IRegistryEngine engine) : RegistryStoreContract(engine)
{
    private static readonly Func<string, string> Generated = role => $"{role}-generated";

    [Fact]
    public async Task A_code_is_redeemed_once_for_a_device_with_the_enrolments_place()
    {
        await Stores.Enrolments.AddAsync(Enrolment("k1"), None);

        var first = await Stores.Enrolments.RedeemAsync("k1", Now, "h1", Generated, None);
        var second = await Stores.Enrolments.RedeemAsync("k1", Now, "h2", role => $"{role}-other", None);

        Assert.Null(first.Refusal);
        Assert.Equal("counter-generated", first.Device!.Id);
        Assert.Equal(RedeemRefusal.Used, second.Refusal);
        var stored = Assert.Single(await Stores.Devices.ListAsync(None));
        Assert.Equal(("counter-generated", "hcc-hanoi", "7", "h1"), (stored.Id, stored.Centre, stored.Counter, stored.SecretHash));
        Assert.Empty(await Stores.Enrolments.ListOpenAsync(Now, None));
    }

    [Fact]
    public async Task Unknown_and_expired_codes_are_refused_and_provision_nothing()
    {
        await Stores.Enrolments.AddAsync(Enrolment("old", expiresAt: Now.AddSeconds(-1)), None);

        Assert.Equal(RedeemRefusal.Unknown, (await Stores.Enrolments.RedeemAsync("nope", Now, "h", Generated, None)).Refusal);
        Assert.Equal(RedeemRefusal.Expired, (await Stores.Enrolments.RedeemAsync("old", Now, "h", Generated, None)).Refusal);
        Assert.Empty(await Stores.Devices.ListAsync(None));
    }

    [Fact]
    public async Task A_taken_device_id_is_refused_and_the_code_stays_usable()
    {
        await RegisterAsync("dev-a");
        await Stores.Enrolments.AddAsync(Enrolment("k2", deviceId: "dev-a"), None);

        Assert.Equal(RedeemRefusal.DeviceIdTaken, (await Stores.Enrolments.RedeemAsync("k2", Now, "h", Generated, None)).Refusal);
        Assert.Single(await Stores.Enrolments.ListOpenAsync(Now, None));
        Assert.Equal("hash-dev-a", (await Stores.Devices.FindAsync("dev-a", None))!.SecretHash);
    }

    [Fact]
    public async Task Redeeming_a_replacement_marks_the_old_device_in_the_same_transaction()
    {
        await RegisterAsync("dev-old");
        await Stores.Enrolments.AddAsync(Enrolment("k3", deviceId: "dev-new", replaces: "dev-old"), None);

        var redemption = await Stores.Enrolments.RedeemAsync("k3", Now, "h", Generated, None);

        Assert.Equal("dev-old", redemption.Replaced!.Id);
        var old = await Stores.Devices.FindAsync("dev-old", None);
        Assert.Equal((DeviceStates.ReplacedBy, "dev-new"), (old!.Status, old.ReplacedBy));
    }

    [Fact]
    public async Task An_undone_redemption_leaves_no_device_and_the_code_usable_again()
    {
        await RegisterAsync("dev-old");
        await Stores.Enrolments.AddAsync(Enrolment("k4", deviceId: "dev-new", replaces: "dev-old"), None);
        var redemption = await Stores.Enrolments.RedeemAsync("k4", Now, "h", Generated, None);

        await Stores.Enrolments.UndoAsync("k4", redemption, None);

        Assert.Null(await Stores.Devices.FindAsync("dev-new", None));
        var old = await Stores.Devices.FindAsync("dev-old", None);
        Assert.Equal((DeviceStates.Active, (string?)null), (old!.Status, old.ReplacedBy));
        Assert.Null((await Stores.Enrolments.RedeemAsync("k4", Now, "h2", Generated, None)).Refusal);
        Assert.Equal("h2", (await Stores.Devices.FindAsync("dev-new", None))!.SecretHash);
    }

    [Fact]
    public async Task Open_enrolments_are_the_unused_unexpired_ones_newest_first()
    {
        await Stores.Enrolments.AddAsync(Enrolment("a", createdAt: Now.AddMinutes(-30)), None);
        await Stores.Enrolments.AddAsync(Enrolment("b", deviceId: "dev-b", createdAt: Now.AddMinutes(-10)), None);
        await Stores.Enrolments.AddAsync(Enrolment("c", expiresAt: Now.AddMinutes(-1)), None);
        await Stores.Enrolments.AddAsync(Enrolment("d", deviceId: "dev-d"), None);
        await Stores.Enrolments.RedeemAsync("d", Now, "h", Generated, None);

        var open = await Stores.Enrolments.ListOpenAsync(Now, None);

        Assert.Equal(["b", "a"], open.Select(e => e.Id));
        Assert.Equal(("dev-b", Now.AddHours(4)), (open[0].DeviceId, open[0].ExpiresAt));
    }
}

public sealed class LiteEnrolmentStoreTests() : EnrolmentStoreContract(new LiteRegistryEngine());

public sealed class PostgresEnrolmentStoreTests(PostgresServerFixture postgres)
    : EnrolmentStoreContract(new PostgresRegistryEngine(postgres)), IClassFixture<PostgresServerFixture>;
