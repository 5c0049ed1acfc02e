using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using LiteDB;

namespace Edge.Fleet.Federation;

/// <summary><see cref="IFederationStore"/> in <c>{Fleet:DataDir}/federation.db</c> (one node; every write durable).</summary>
public sealed class LiteFederationStore(string path, TimeProvider time, StoreOutages? outages = null) : IFederationStore, IDisposable
{
    private const string CursorsCollection = "cursors";
    private const string DevicesCollection = "forwardedDevices";

    private readonly ReopeningLiteFile<LiteDatabase> _file = new("federation", path, [CursorsCollection, DevicesCollection], db => db, outages);

    public Task<IReadOnlyDictionary<string, long>> ReadCursorsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(_file.Read(db => db.GetCollection(CursorsCollection).FindAll()
            .ToDictionary(d => d["_id"].AsString, d => d["ackedUpTo"].AsInt64, StringComparer.Ordinal)));

    public Task AdvanceCursorAsync(string deviceId, long ackedUpTo, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Write(db =>
        {
            var cursors = db.GetCollection(CursorsCollection);
            if (cursors.FindById(deviceId) is { } row && row["ackedUpTo"].AsInt64 >= ackedUpTo)
            {
                return false;
            }

            return cursors.Upsert(new BsonDocument
            {
                ["_id"] = deviceId,
                ["ackedUpTo"] = ackedUpTo,
                ["updatedAt"] = time.GetUtcNow().UtcDateTime,
            });
        }));

    public Task RecordForwardedDeviceAsync(ForwardedDevice device, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Write(db =>
        {
            var devices = db.GetCollection(DevicesCollection);
            var id = device.StoredAs;
            var row = devices.FindById(id);
            if (row is not null && row["sourceCentre"].AsString == device.SourceCentre)
            {
                return false;
            }

            return devices.Upsert(new BsonDocument
            {
                ["_id"] = id,
                ["source"] = device.Source,
                ["device"] = device.DeviceId,
                ["sourceCentre"] = device.SourceCentre,
                ["firstSeenAt"] = row?["firstSeenAt"] ?? time.GetUtcNow().UtcDateTime,
            });
        }));

    public Task<IReadOnlyList<ForwardedDevice>> ListForwardedDevicesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ForwardedDevice>>(_file.Read(db => db.GetCollection(DevicesCollection).FindAll()
            .Select(d => new ForwardedDevice(d["source"].AsString, d["device"].AsString, d["sourceCentre"].AsString))
            .OrderBy(d => d.Source, StringComparer.Ordinal)
            .ThenBy(d => d.DeviceId, StringComparer.Ordinal)
            .ToList()));

    public void Dispose() => _file.Dispose();
}
