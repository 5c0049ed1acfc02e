using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Broker;
using Edge.Fleet.Provisioning;
using Edge.Fleet.Registry;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Edge.Fleet.Store;

namespace Edge.Fleet.Tests.Registry;

/// <summary>
/// <c>move-to-postgres</c> for an embedded fleet's registry.db, copied once whatever the number of runs: each feature
/// whose store shares the file copies its own collections (devices, enrolments, people, audit), in the verb's order.
/// </summary>
public sealed class RegistryDataCopierTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IDisposable
{
    private static readonly DateTime Now = new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);
    private readonly TempFolder _folder = new("registry-copier");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Everything_in_the_registry_file_is_copied_once_and_a_second_run_copies_nothing()
    {
        var none = CancellationToken.None;
        using (var db = new RegistryFile(_folder[RegistryFile.FileName]))
        {
            var enrolments = new LiteEnrolmentStore(db);
            await enrolments.AddAsync(RegistryStoreContract.Enrolment("k-old", "dev-old"), none);
            await enrolments.RedeemAsync("k-old", Now, "h-old", _ => "unused", none);
            await enrolments.AddAsync(RegistryStoreContract.Enrolment("k-new", "dev-new", "dev-old"), none);
            await enrolments.RedeemAsync("k-new", Now, "h-new", _ => "unused", none);
            await enrolments.AddAsync(RegistryStoreContract.Enrolment("k-open"), none);
            await new LiteDeviceStore(db).RecordSeenAsync(new Dictionary<string, DateTime> { ["dev-new"] = Now.AddMinutes(3) }, none);
            var people = new LitePeopleStore(db);
            await people.SaveUserAsync(new FleetUser { Name = "lan", Role = UserRoles.Manager, Centres = ["c1", "c2"], PasswordHash = "pw", CreatedAt = Now }, none);
            await people.SaveUserAsync(new FleetUser { Name = "admin", Role = UserRoles.Administrator, CreatedAt = Now }, none);
            await people.SaveUserAsync(new FleetUser { Name = "mai", Role = UserRoles.ProvinceOfficer, Provinces = ["01", "24"], CreatedAt = Now }, none);
            await people.AddTokenAsync(new AccessToken { Id = "t1", User = "lan", Kind = "session", Name = "login", CreatedAt = Now, ExpiresAt = Now.AddHours(12) }, none);
            var audit = new LiteAuditStore(db);
            foreach (var subject in new[] { "a", "b", "c" })
            {
                await audit.AppendAsync(new AuditEntry { At = Now, Actor = "tech", Action = AuditActions.EnrolmentCreated, Subject = subject }, none);
            }
        }

        var (target, _) = await postgres.CreateMigratedDatabaseAsync();
        await using var _target = target;
        var copiers = RegistryFileCopiers();
        var source = new FleetOptions { DataDir = _folder.Path };

        Assert.Equal(0, await CountAsync(copiers, target));
        var first = await CopyAsync(copiers, source, target);
        var second = await CopyAsync(copiers, source, target);

        // 2 devices, 3 enrolments, 3 users, 1 token, 3 audit entries.
        Assert.Equal((12L, 0L), (first, second));
        Assert.Equal(12, await CountAsync(copiers, target));
        var perCopier = await Task.WhenAll(copiers.Select(c => c.CountInTargetAsync(target, none)));
        Assert.Equal(new long[] { 2, 3, 4, 3 }, perCopier);

        var devices = await new PostgresDeviceStore(target).ListAsync(none);
        Assert.Equal(["dev-new", "dev-old"], devices.Select(d => d.Id));
        Assert.Equal((DeviceStates.ReplacedBy, "dev-new"), (devices[1].Status, devices[1].ReplacedBy));
        Assert.Equal(("h-new", (DateTime?)Now.AddMinutes(3)), (devices[0].SecretHash, devices[0].LastSeenAt));
        var open = Assert.Single(await new PostgresEnrolmentStore(target).ListOpenAsync(Now, none));
        Assert.Equal("k-open", open.Id);
        var people2 = new PostgresPeopleStore(target);
        Assert.Equal(["c1", "c2"], (await people2.FindUserAsync("lan", none))!.Centres);
        Assert.Equal(["01", "24"], (await people2.FindUserAsync("mai", none))!.Provinces);
        Assert.Equal(Now.AddHours(12), (await people2.FindTokenAsync("t1", none))!.ExpiresAt);

        // A new entry after the move follows the copied ones.
        var auditStore = new PostgresAuditStore(target);
        var next = new AuditEntry { At = Now, Actor = "tech", Action = AuditActions.DeviceRetired, Subject = "d" };
        await auditStore.AppendAsync(next, none);
        Assert.Equal(["d", "c", "b", "a"], (await auditStore.ListAsync(null, 10, none)).Select(e => e.Subject));
    }

    [Fact]
    public async Task A_fleet_without_a_registry_file_copies_nothing()
    {
        var (target, _) = await postgres.CreateMigratedDatabaseAsync();
        await using var _target = target;

        Assert.Equal(0, await CopyAsync(RegistryFileCopiers(), new FleetOptions { DataDir = _folder["empty"] }, target));
        Assert.False(File.Exists(_folder[Path.Combine("empty", RegistryFile.FileName)]));
    }

    [Fact]
    public void The_verb_finds_every_copier_of_the_registry_file_devices_first()
    {
        var found = Edge.Fleet.Hosting.MoveToPostgresCommand.Copiers().OfType<RegistryFileCopier>().Select(c => c.GetType()).ToList();

        Assert.Equal(RegistryFileCopiers().Select(c => c.GetType()), found);
    }

    /// <summary>The copiers of registry.db, in the order the verb runs them.</summary>
    private static RegistryFileCopier[] RegistryFileCopiers() =>
        [new RegistryDataCopier(), new EnrolmentDataCopier(), new PeopleDataCopier(), new AuditDataCopier()];

    private static async Task<long> CountAsync(IEnumerable<RegistryFileCopier> copiers, Npgsql.NpgsqlDataSource target)
    {
        var total = 0L;
        foreach (var copier in copiers)
        {
            total += await copier.CountInTargetAsync(target, CancellationToken.None);
        }

        return total;
    }

    private static async Task<long> CopyAsync(IEnumerable<RegistryFileCopier> copiers, FleetOptions source, Npgsql.NpgsqlDataSource target)
    {
        var total = 0L;
        foreach (var copier in copiers)
        {
            total += await copier.CopyAsync(source, target, CancellationToken.None);
        }

        return total;
    }
}
