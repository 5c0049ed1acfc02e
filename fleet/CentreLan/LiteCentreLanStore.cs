using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using Edge.Storage;
using LiteDB;

namespace Edge.Fleet.CentreLan;

/// <summary>
/// <see cref="ICentreLanStore"/> in <c>{Fleet:DataDir}/centre-lan.db</c> (collections <c>keys</c>, <c>addresses</c>)
/// for one node: one lock for reads and writes, every write durable (<see cref="LiteFile.CommitDurably{T}"/>) before it
/// returns, so a key handed to a device is the key the fleet has after a crash. The file reopens itself after its
/// engine failed (a full disk, <see cref="ReopeningLiteFile{TView}"/>): meanwhile every call throws
/// <see cref="StoreUnavailableException"/> naming the centre-lan store, so no key is handed out that is not stored.
/// </summary>
public sealed class LiteCentreLanStore : ICentreLanStore, IDisposable
{
    public const string FileName = "centre-lan.db";

    private const string KeysCollection = "keys";
    private const string AddressesCollection = "addresses";

    private readonly ReopeningLiteFile<Collections> _file;

    /// <summary>The store on <paramref name="path"/> (see <see cref="ReopeningLiteFile{TView}"/> for <paramref name="outages"/> and <paramref name="opening"/>).</summary>
    public LiteCentreLanStore(string path, StoreOutages? outages = null, LiteFileOpening? opening = null)
    {
        _file = new ReopeningLiteFile<Collections>(Name, path, [KeysCollection, AddressesCollection], Collections.Of, outages, opening);
    }

    /// <summary>The store's name in 503 answers, <c>/healthz</c> and <c>/metrics</c>.</summary>
    public static string Name => "centre-lan";

    public Task<CentreKey> KeyOfAsync(string centre, DateTime now, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Locked((db, c) =>
        {
            if (c.Keys.FindById(centre) is { } key)
            {
                return key;
            }

            var first = CentreKey.First(centre, now);
            LiteFile.CommitDurably(db, () => c.Keys.Insert(first));
            return first;
        }));

    public Task<CentreKey> RotateAsync(string centre, DateTime now, string actor, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Locked((db, c) =>
        {
            var next = (c.Keys.FindById(centre) ?? CentreKey.First(centre, now)).Rotated(now, actor);
            LiteFile.CommitDurably(db, () => c.Keys.Upsert(next));
            return next;
        }));

    public Task<IReadOnlySet<string>> SetAddressesAsync(IReadOnlyCollection<LanAddressReport> reports, DateTime now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(_file.Locked((db, c) =>
        {
            var changed = LanAddressReport.LastOfEach(reports)
                .Where(r => c.Addresses.FindById(r.DeviceId)?.Address is var stored && (r.Address == "" ? stored is not null : stored != r.Address))
                .ToList();
            if (changed.Count > 0)
            {
                LiteFile.CommitDurably(db, () =>
                {
                    foreach (var report in changed)
                    {
                        _ = report.Address == ""
                            ? c.Addresses.Delete(report.DeviceId)
                            : c.Addresses.Upsert(new LanAddress { DeviceId = report.DeviceId, Address = report.Address!, ReportedAt = now });
                    }

                    return true;
                });
            }

            return changed.Select(r => r.DeviceId).ToHashSet(StringComparer.Ordinal);
        }));

    public Task<IReadOnlyDictionary<string, string>> AddressesAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(_file.Read(c => deviceIds.Distinct(StringComparer.Ordinal)
            .Select(id => c.Addresses.FindById(id)).OfType<LanAddress>()
            .ToDictionary(a => a.DeviceId, a => a.Address, StringComparer.Ordinal)));

    public void Dispose() => _file.Dispose();

    /// <summary>The file's collections, of the engine open now.</summary>
    private sealed record Collections(ILiteCollection<CentreKey> Keys, ILiteCollection<LanAddress> Addresses)
    {
        public static Collections Of(LiteDatabase db) =>
            new(db.GetCollection<CentreKey>(KeysCollection), db.GetCollection<LanAddress>(AddressesCollection));
    }

    /// <summary>Every centre's key, for the copier to PostgreSQL.</summary>
    internal IReadOnlyList<CentreKey> AllKeys() => _file.Read(c => c.Keys.FindAll().ToList());

    /// <summary>Every device's LAN address, for the copier to PostgreSQL.</summary>
    internal IReadOnlyList<LanAddress> AllAddresses() => _file.Read(c => c.Addresses.FindAll().ToList());
}
