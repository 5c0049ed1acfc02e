using Edge.Fleet.Broker;
using LiteDB;

namespace Edge.Fleet.Registry;

/// <summary><see cref="IDeviceStore"/> in the collection <c>devices</c> of <see cref="RegistryFile"/>; writes are durable.</summary>
public sealed class LiteDeviceStore : IDeviceStore
{
    public const string Collection = "devices";

    private readonly RegistryFile _db;

    public LiteDeviceStore(RegistryFile db)
    {
        _db = db;
        _db.Read(() => _devices.EnsureIndex(d => d.Centre));
    }

    /// <summary>The collection of the file open now (it reopens itself after a failure).</summary>
    private ILiteCollection<RegisteredDevice> _devices => _db.Collection<RegisteredDevice>(Collection);

    public Task<IReadOnlyList<RegisteredDevice>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RegisteredDevice>>(_db.Read(() => _devices.FindAll().OrderBy(d => d.Id, StringComparer.Ordinal).ToList()));

    public Task<RegisteredDevice?> FindAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult<RegisteredDevice?>(_db.Read(() => _devices.FindById(id)));

    public Task<RegisteredDevice?> RetireAsync(string id, DateTime at, CancellationToken cancellationToken) =>
        Task.FromResult(_db.Write(() =>
        {
            if (_devices.FindById(id) is not { } device)
            {
                return null;
            }

            device.Status = DeviceStates.Retired;
            device.RetiredAt ??= at;
            _devices.Update(device);
            return device;
        }));

    public Task RecordSeenAsync(IReadOnlyDictionary<string, DateTime> seen, CancellationToken cancellationToken)
    {
        if (seen.Count == 0)
        {
            return Task.CompletedTask;
        }

        _db.Write(() =>
        {
            foreach (var (id, at) in seen)
            {
                if (_devices.FindById(id) is { } device && (device.LastSeenAt is null || device.LastSeenAt < at))
                {
                    device.LastSeenAt = at;
                    _devices.Update(device);
                }
            }

            return seen.Count;
        });
        return Task.CompletedTask;
    }
}
