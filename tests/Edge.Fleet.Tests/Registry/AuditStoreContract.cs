using Edge.Fleet.Audit;
using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.Registry;

/// <summary>What every <see cref="IAuditStore"/> does, on either engine.</summary>
public abstract class AuditStoreContract(IRegistryEngine engine) : RegistryStoreContract(engine)
{
    private static AuditEntry Entry(string action, string subject, bool success = true) =>
        new() { At = Now, Actor = "tech", Action = action, Subject = subject, Success = success, Detail = "d-" + subject, Address = "10.0.0.5" };

    [Fact]
    public async Task Entries_come_back_newest_first_filtered_and_limited()
    {
        var entries = new[]
        {
            Entry(AuditActions.EnrolmentCreated, "a"),
            Entry(AuditActions.LoginFailed, "b", success: false),
            Entry(AuditActions.EnrolmentCreated, "c"),
            Entry(AuditActions.EnrolmentCreated, "d"),
        };
        foreach (var entry in entries)
        {
            await Stores.Audit.AppendAsync(entry, None);
        }

        Assert.True(entries.Zip(entries.Skip(1)).All(p => p.First.Id < p.Second.Id));
        Assert.Equal(["d", "c", "b", "a"], (await Stores.Audit.ListAsync(null, 10, None)).Select(e => e.Subject));
        Assert.Equal(["d", "c"], (await Stores.Audit.ListAsync(AuditActions.EnrolmentCreated, 2, None)).Select(e => e.Subject));
        var failed = Assert.Single(await Stores.Audit.ListAsync(AuditActions.LoginFailed, 10, None));
        Assert.Equal(("tech", false, "d-b", "10.0.0.5", Now), (failed.Actor, failed.Success, failed.Detail, failed.Address, failed.At));
    }
}

public sealed class LiteAuditStoreTests() : AuditStoreContract(new LiteRegistryEngine());

public sealed class PostgresAuditStoreTests(PostgresServerFixture postgres)
    : AuditStoreContract(new PostgresRegistryEngine(postgres)), IClassFixture<PostgresServerFixture>;
