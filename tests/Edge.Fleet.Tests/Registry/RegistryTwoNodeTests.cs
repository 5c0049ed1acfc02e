using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Broker;
using Edge.Fleet.Provisioning;
using Edge.Fleet.Registry;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Edge.Fleet.Store;

namespace Edge.Fleet.Tests.Registry;

/// <summary>Two fleet nodes on one PostgreSQL database: whatever one does to the registry, the other sees.</summary>
public sealed class RegistryTwoNodeTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan FewSeconds = TimeSpan.FromSeconds(3);

    private RegistryNode? _a;
    private RegistryNode? _b;

    private RegistryNode A => _a!;

    private RegistryNode B => _b!;

    public async Task InitializeAsync()
    {
        var (dataSource, connectionString) = await postgres.CreateMigratedDatabaseAsync();
        await dataSource.DisposeAsync();
        _a = await RegistryNode.StartAsync(connectionString);
        _b = await RegistryNode.StartAsync(connectionString);
        await A.WaitHeardByAsync(B);
        await B.WaitHeardByAsync(A);
    }

    public async Task DisposeAsync()
    {
        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        if (_b is not null)
        {
            await _b.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_token_issued_on_one_node_works_on_the_other_at_once_and_once_revoked_nowhere_within_seconds()
    {
        await A.Users.SaveAsync("anh", UserRoles.Technician, [], null, CancellationToken.None);
        var (token, _) = await A.Users.IssueAsync("anh", "api", "script", null, CancellationToken.None);

        Assert.Equal("anh", (await B.Users.ResolveAsync(token, CancellationToken.None))?.Name);
        Assert.Equal("anh", (await B.Users.ResolveAsync(token, CancellationToken.None))?.Name); // now cached on B

        var revokedAt = DateTime.UtcNow;
        await A.Users.RevokeAsync(token, CancellationToken.None);
        await Eventually.TrueAsync(async () => await B.Users.ResolveAsync(token, CancellationToken.None) is null, FewSeconds, "B to refuse the revoked token");
        // Sooner than B's cache would have expired by itself: the change feed dropped it.
        Assert.True(DateTime.UtcNow - revokedAt < UserDirectory.TokenCacheLifetime);
        Assert.Null(await A.Users.ResolveAsync(token, CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_code_created_on_one_node_is_redeemed_on_the_other_and_the_first_knows_the_device()
    {
        var enrolment = await A.Issuer.CreateAsync(new EnrolmentRequest("hcc-hanoi", "7", DeviceRoles.Counter, "dev-7"), "tech", null, CancellationToken.None);

        var result = await B.Issuer.RedeemAsync(enrolment.Code, CancellationToken.None);

        Assert.Null(result.Refusal);
        Assert.NotNull(B.Registry.Authenticate("dev-7", result.Secret));
        await Eventually.TrueAsync(() => Task.FromResult(A.Registry.Authenticate("dev-7", result.Secret) is not null), FewSeconds, "A to know dev-7");
        Assert.Equal(["dev-7"], A.Registry.DeviceIdsOf("hcc-hanoi"));
        Assert.Equal(RedeemRefusal.Used, (await A.Issuer.RedeemAsync(enrolment.Code, CancellationToken.None)).Refusal);
    }

    [Fact]
    public async Task A_device_retired_on_one_node_is_refused_by_the_other_within_seconds()
    {
        var enrolment = await A.Issuer.CreateAsync(new EnrolmentRequest("hcc-hanoi", "3", DeviceRoles.Kiosk), "tech", null, CancellationToken.None);
        var result = await A.Issuer.RedeemAsync(enrolment.Code, CancellationToken.None);
        var id = result.Device!.Id;
        await Eventually.TrueAsync(() => Task.FromResult(B.Registry.Authenticate(id, result.Secret) is not null), FewSeconds, "B to accept the device");

        await A.Registry.RetireAsync(id, CancellationToken.None);

        await Eventually.TrueAsync(() => Task.FromResult(B.Registry.Authenticate(id, result.Secret) is not { MayConnect: true }), FewSeconds, "B to refuse the retired device");
        Assert.Equal(DeviceStates.Retired, B.Registry.Find(id)!.Status);
    }

    [Fact]
    public async Task A_claim_code_redeemed_through_both_nodes_at_once_provisions_one_device()
    {
        const int codes = 20;
        var enrolments = new List<EnrolmentView>();
        for (var i = 0; i < codes; i++)
        {
            enrolments.Add(await A.Issuer.CreateAsync(new EnrolmentRequest("hcc-hue", $"{i}"), "tech", null, CancellationToken.None));
        }

        var results = await Task.WhenAll(enrolments.SelectMany(e => new[] { A, B }.Select(node => Task.Run(() => node.Issuer.RedeemAsync(e.Code, CancellationToken.None)))));

        Assert.Equal(codes, results.Count(r => r.Refusal is null));
        Assert.Equal(codes, results.Count(r => r.Refusal == RedeemRefusal.Used));
        await B.Registry.ReloadAsync(CancellationToken.None);
        Assert.Equal(codes, B.Registry.DeviceIdsOf("hcc-hue").Count);
    }

    [Fact]
    public async Task Nodes_starting_together_on_an_empty_store_create_one_administrator_with_one_token()
    {
        using var folder = new Edge.Testing.TempFolder("bootstrap");
        var fleet = Microsoft.Extensions.Options.Options.Create(new Edge.Fleet.Store.FleetOptions { DataDir = folder.Path });
        var bootstraps = new[] { A, B, A, B }.Select(node => new AdministratorBootstrap(node.Users, node.Audit, fleet, NullLogger<AdministratorBootstrap>.Instance));

        await Task.WhenAll(bootstraps.Select(b => Task.Run(() => b.StartAsync(CancellationToken.None))));

        var admin = Assert.Single(await B.Users.ListAsync(CancellationToken.None));
        Assert.Equal((AdministratorBootstrap.AdminName, UserRoles.Administrator), (admin.Name, admin.Role));
        var created = await A.Audit.ListAsync(AuditActions.UserCreated, 10, CancellationToken.None);
        Assert.Single(created);
        Assert.StartsWith("edge_", File.ReadAllText(Path.Combine(folder.Path, AdministratorBootstrap.TokenFileName)));
    }
}
