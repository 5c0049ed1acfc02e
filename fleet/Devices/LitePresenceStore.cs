using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using LiteDB;

namespace Edge.Fleet.Devices;

/// <summary>
/// <see cref="IPresenceStore"/> in its own LiteDB file (<c>{Fleet:DataDir}/presence.db</c>), one document per device.
/// Not committed durably: presence is re-announced by every device when it reconnects. The file reopens itself after
/// its engine failed (<see cref="ReopeningLiteFile{TView}"/>).
/// </summary>
public sealed class LitePresenceStore : IPresenceStore, IDisposable
{
    private const string Collection = "presence";

    private readonly ReopeningLiteFile<ILiteCollection<BsonDocument>> _file;

    public LitePresenceStore(string path, StoreOutages? outages = null, LiteFileOpening? opening = null)
    {
        _file = new ReopeningLiteFile<ILiteCollection<BsonDocument>>("presence", path, [Collection], db => db.GetCollection(Collection), outages, opening);
    }

    /// <summary>One transaction for the whole batch: in a reconnect storm a commit per status was about 13% of the fleet's CPU (issue 14).</summary>
    public Task<IReadOnlyList<bool>> ApplyAsync(IReadOnlyList<PresenceChange> changes, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<bool>>(changes.Count == 0
            ? []
            : _file.Write(presence => changes.Select(change => Apply(presence, change)).ToArray(), durable: false));

    public Task<IReadOnlyDictionary<string, Presence>> ReadAllAsync(CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, Presence> all = _file.Read(presence => presence.FindAll()
            .ToDictionary(d => d["_id"].AsString, FromDocument, StringComparer.Ordinal));
        return Task.FromResult(all);
    }

    public void Dispose() => _file.Dispose();

    private static bool Apply(ILiteCollection<BsonDocument> presence, PresenceChange change)
    {
        var current = Find(presence, change.DeviceId);
        if (change.Online)
        {
            presence.Upsert(ToDocument(change.DeviceId, new Presence(true, change.Session, change.At)));
            return current is null || !current.Online || current.Session != change.Session;
        }

        // Only a change is written: the will and the end of the connection both end a session, and in a reconnect
        // storm of 10,000 devices the second was 10,000 writes that changed nothing (issue 14).
        if (current is { Online: true } && current.Session == change.Session)
        {
            presence.Upsert(ToDocument(change.DeviceId, current with { Online = false, LastSeen = change.At }));
            return true;
        }

        return false;
    }

    private static Presence? Find(ILiteCollection<BsonDocument> presence, string deviceId) =>
        presence.FindById(deviceId) is { } doc ? FromDocument(doc) : null;

    private static BsonDocument ToDocument(string deviceId, Presence presence) => new()
    {
        ["_id"] = deviceId,
        ["online"] = presence.Online,
        ["session"] = presence.Session,
        ["lastSeen"] = presence.LastSeen.UtcDateTime,
    };

    private static Presence FromDocument(BsonDocument doc) => new(
        doc["online"].AsBoolean,
        doc["session"].AsString,
        new DateTimeOffset(DateTime.SpecifyKind(doc["lastSeen"].AsDateTime, DateTimeKind.Utc)));
}
