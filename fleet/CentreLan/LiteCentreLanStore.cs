using Edge.Storage;
using LiteDB;

namespace Edge.Fleet.CentreLan;

/// <summary>
/// <see cref="ICentreLanStore"/> in <c>{Fleet:DataDir}/centre-lan.db</c> (collections <c>keys</c>, <c>addresses</c>)
/// for one node: one lock for reads and writes, every write durable (<see cref="LiteFile.CommitDurably{T}"/>) before it
/// returns, so a key handed to a device is the key the fleet has after a crash.
/// </summary>
public sealed class LiteCentreLanStore : ICentreLanStore, IDisposable
{
    public const string FileName = "centre-lan.db";

    private const string KeysCollection = "keys";
    private const string AddressesCollection = "addresses";

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<CentreKey> _keys;
    private readonly ILiteCollection<LanAddress> _addresses;
    private readonly Lock _gate = new();

    public LiteCentreLanStore(string path)
    {
        _db = LiteFile.Open(path, KeysCollection, AddressesCollection);
        _keys = _db.GetCollection<CentreKey>(KeysCollection);
        _addresses = _db.GetCollection<LanAddress>(AddressesCollection);
    }

    public Task<CentreKey> KeyOfAsync(string centre, DateTime now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_keys.FindById(centre) is { } key)
            {
                return Task.FromResult(key);
            }

            var first = CentreKey.First(centre, now);
            LiteFile.CommitDurably(_db, () => _keys.Insert(first));
            return Task.FromResult(first);
        }
    }

    public Task<CentreKey> RotateAsync(string centre, DateTime now, string actor, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var next = (_keys.FindById(centre) ?? CentreKey.First(centre, now)).Rotated(now, actor);
            LiteFile.CommitDurably(_db, () => _keys.Upsert(next));
            return Task.FromResult(next);
        }
    }

    public Task<bool> SetAddressAsync(string deviceId, string? address, DateTime now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var stored = _addresses.FindById(deviceId);
            if (string.IsNullOrEmpty(address))
            {
                return Task.FromResult(stored is not null && LiteFile.CommitDurably(_db, () => _addresses.Delete(deviceId)));
            }

            if (stored?.Address == address)
            {
                return Task.FromResult(false);
            }

            LiteFile.CommitDurably(_db, () => _addresses.Upsert(new LanAddress { DeviceId = deviceId, Address = address, ReportedAt = now }));
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyDictionary<string, string>> AddressesAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyDictionary<string, string> found = deviceIds.Distinct(StringComparer.Ordinal)
                .Select(id => _addresses.FindById(id)).OfType<LanAddress>()
                .ToDictionary(a => a.DeviceId, a => a.Address, StringComparer.Ordinal);
            return Task.FromResult(found);
        }
    }

    /// <summary>Every centre's key, for the copier to PostgreSQL.</summary>
    internal IReadOnlyList<CentreKey> AllKeys()
    {
        lock (_gate)
        {
            return _keys.FindAll().ToList();
        }
    }

    /// <summary>Every device's LAN address, for the copier to PostgreSQL.</summary>
    internal IReadOnlyList<LanAddress> AllAddresses()
    {
        lock (_gate)
        {
            return _addresses.FindAll().ToList();
        }
    }

    public void Dispose() => _db.Dispose();
}
