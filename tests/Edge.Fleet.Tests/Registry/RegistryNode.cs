using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Broker;
using Edge.Fleet.Provisioning;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Changes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Edge.Fleet.Tests.Registry;

/// <summary>
/// What one fleet node holds of the registry on a shared PostgreSQL database: its own data source and change feed
/// (NOTIFY/LISTEN), and the registry, people, audit and claim-code services over them.
/// </summary>
public sealed class RegistryNode : IAsyncDisposable
{
    private const string Ping = "test-ping";

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresChangeFeed _feed;
    private int _pings;

    private RegistryNode(string connectionString, IBrokerAccounts accounts)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        var options = Options.Create(new StoreOptions { Kind = StoreOptions.PostgresKind, Postgres = new PostgresStoreOptions { ConnectionString = connectionString } });
        _feed = new PostgresChangeFeed(_dataSource, options, NullLogger<PostgresChangeFeed>.Instance);
        _feed.Subscribe(Ping, () => Interlocked.Increment(ref _pings));
        var time = TimeProvider.System;
        Registry = new DeviceRegistry(new PostgresDeviceStore(_dataSource), _feed, time, NullLogger<DeviceRegistry>.Instance);
        Audit = new AuditRecorder(new PostgresAuditStore(_dataSource), time, NullLogger<AuditRecorder>.Instance);
        Users = new UserDirectory(new PostgresPeopleStore(_dataSource), _feed, time);
        Issuer = new ClaimCodeIssuer(new PostgresEnrolmentStore(_dataSource), Registry, Audit, accounts, time,
            Options.Create(new ProvisioningOptions()), NullLogger<ClaimCodeIssuer>.Instance);
    }

    public DeviceRegistry Registry { get; }

    public AuditRecorder Audit { get; }

    public UserDirectory Users { get; }

    public ClaimCodeIssuer Issuer { get; }

    public static async Task<RegistryNode> StartAsync(string connectionString, IBrokerAccounts? accounts = null)
    {
        var node = new RegistryNode(connectionString, accounts ?? new RegistryCheckedBrokerAccounts());
        await node._feed.StartAsync(CancellationToken.None);
        return node;
    }

    /// <summary>Waits until <paramref name="other"/> hears this node's notifications (its LISTEN is in place).</summary>
    public async Task WaitHeardByAsync(RegistryNode other)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (Volatile.Read(ref other._pings) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the other node never heard a notification");
            await _feed.PublishAsync(Ping, CancellationToken.None);
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _feed.StopAsync(CancellationToken.None);
        _feed.Dispose();
        await _dataSource.DisposeAsync();
    }
}
