using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Provisioning;
using Edge.Fleet.Registry;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Npgsql;

namespace Edge.Fleet.Tests.Registry;

/// <summary>The four stores of the registry on one engine, on fresh storage.</summary>
public sealed record RegistryStores(IDeviceStore Devices, IEnrolmentStore Enrolments, IPeopleStore People, IAuditStore Audit);

/// <summary>Where a contract test gets its stores: a fresh LiteDB file or a fresh PostgreSQL database per test.</summary>
public interface IRegistryEngine : IAsyncDisposable
{
    Task<RegistryStores> OpenAsync();
}

public sealed class LiteRegistryEngine : IRegistryEngine
{
    private readonly TempFolder _folder = new("registry-store");
    private RegistryFile? _db;

    public Task<RegistryStores> OpenAsync()
    {
        _db = new RegistryFile(_folder[RegistryFile.FileName]);
        return Task.FromResult(new RegistryStores(new LiteDeviceStore(_db), new LiteEnrolmentStore(_db), new LitePeopleStore(_db), new LiteAuditStore(_db)));
    }

    public ValueTask DisposeAsync()
    {
        _db?.Dispose();
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class PostgresRegistryEngine(PostgresServerFixture postgres) : IRegistryEngine
{
    private NpgsqlDataSource? _dataSource;

    public async Task<RegistryStores> OpenAsync()
    {
        (_dataSource, _) = await postgres.CreateMigratedDatabaseAsync();
        return new RegistryStores(
            new PostgresDeviceStore(_dataSource), new PostgresEnrolmentStore(_dataSource), new PostgresPeopleStore(_dataSource), new PostgresAuditStore(_dataSource));
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }
}

/// <summary>Base of the registry's contract suites: stores on fresh storage for each test, and helpers to fill them.</summary>
public abstract class RegistryStoreContract : IAsyncLifetime
{
    protected static readonly DateTime Now = new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);

    private readonly IRegistryEngine _engine;
    private RegistryStores? _stores;

    protected RegistryStoreContract(IRegistryEngine engine) => _engine = engine;

    protected RegistryStores Stores => _stores ?? throw new InvalidOperationException("not opened");

    protected static CancellationToken None => CancellationToken.None;

    public async Task InitializeAsync() => _stores = await _engine.OpenAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    public static Enrolment Enrolment(string key, string? deviceId = null, string? replaces = null, DateTime? expiresAt = null, DateTime? createdAt = null) => new()
    {
        Id = key,
        Centre = "hcc-hanoi",
        Counter = "7",
        Role = "counter",
        DeviceId = deviceId,
        Replaces = replaces,
        CreatedBy = "tech",
        CreatedAt = createdAt ?? Now.AddMinutes(-5),
        ExpiresAt = expiresAt ?? Now.AddHours(4),
    };

    /// <summary>Registers a device the only way there is: an enrolment, redeemed.</summary>
    protected async Task<RegisteredDevice> RegisterAsync(string deviceId, string? replaces = null)
    {
        var key = "key-" + deviceId;
        await Stores.Enrolments.AddAsync(Enrolment(key, deviceId, replaces), None);
        var redemption = await Stores.Enrolments.RedeemAsync(key, Now, "hash-" + deviceId, _ => throw new InvalidOperationException("named"), None);
        return redemption.Device ?? throw new InvalidOperationException($"not redeemed: {redemption.Refusal}");
    }
}
