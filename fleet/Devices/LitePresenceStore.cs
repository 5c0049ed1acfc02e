using Edge.Storage;
using LiteDB;

namespace Edge.Fleet.Devices;

/// <summary>
/// <see cref="IPresenceStore"/> in its own LiteDB file (<c>{Fleet:DataDir}/presence.db</c>), one document per device.
/// Not committed durably: presence is re-announced by every device when it reconnects.
/// </summary>
public sealed class LitePresenceStore : IPresenceStore, IDisposable
{
    private const string Collection = "presence";

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _presence;
    private readonly Lock _writeLock = new();

    public LitePresenceStore(string path)
    {
        _db = LiteFile.Open(path, Collection);
        _presence = _db.GetCollection(Collection);
    }

    public Task<bool> MarkOnlineAsync(string deviceId, string session, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            var current = Find(deviceId);
            _presence.Upsert(ToDocument(deviceId, new Presence(true, session, at)));
            return Task.FromResult(current is null || !current.Online || current.Session != session);
        }
    }

    public Task MarkOfflineAsync(string deviceId, string session, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            if (Find(deviceId) is { } current && current.Session == session)
            {
                _presence.Upsert(ToDocument(deviceId, current with { Online = false, LastSeen = at }));
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, Presence>> ReadAllAsync(CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, Presence> all = _presence.FindAll()
            .ToDictionary(d => d["_id"].AsString, FromDocument, StringComparer.Ordinal);
        return Task.FromResult(all);
    }

    public void Dispose() => _db.Dispose();

    private Presence? Find(string deviceId) => _presence.FindById(deviceId) is { } doc ? FromDocument(doc) : null;

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
