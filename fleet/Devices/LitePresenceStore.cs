using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using Edge.Storage;
using LiteDB;

namespace Edge.Fleet.Devices;

/// <summary>
/// <see cref="IPresenceStore"/> in its own LiteDB file (<c>{Fleet:DataDir}/presence.db</c>), one document per device.
/// Not committed durably: presence is re-announced by every device when it reconnects. The file reopens itself after
/// its engine failed (<see cref="ReopeningLiteFile{TView}"/>). A copy of the whole table stays in memory (this node is
/// its only writer): a status is decided without reading the file, and a read of every device copies no documents.
/// </summary>
public sealed class LitePresenceStore : IPresenceStore, IDisposable
{
    private const string Collection = "presence";

    private readonly ReopeningLiteFile<ILiteCollection<BsonDocument>> _file;
    private Dictionary<string, Presence>? _known;
    private ILiteCollection<BsonDocument>? _knownOf;

    public LitePresenceStore(string path, StoreOutages? outages = null, LiteFileOpening? opening = null)
    {
        _file = new ReopeningLiteFile<ILiteCollection<BsonDocument>>("presence", path, [Collection], db => db.GetCollection(Collection), outages, opening);
    }

    /// <summary>
    /// One transaction for the whole batch: in a reconnect storm a commit per status was about 13% of the fleet's CPU
    /// (issue 14). Only the changes are written, decided from <see cref="Known"/>: no read of the file per status.
    /// </summary>
    public Task<IReadOnlyList<bool>> ApplyAsync(IReadOnlyList<PresenceChange> changes, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<bool>>(changes.Count == 0
            ? []
            : _file.Locked((db, presence) =>
            {
                var known = Known(presence);
                var written = new Dictionary<string, Presence>(StringComparer.Ordinal);
                var changed = LiteFile.Commit(db, () => changes.Select(change => Apply(presence, change, known, written)).ToArray());
                foreach (var (deviceId, now) in written)
                {
                    known[deviceId] = now;
                }

                return changed;
            }));

    public Task<IReadOnlyDictionary<string, Presence>> ReadAllAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, Presence>>(_file.Locked((_, presence) =>
            new Dictionary<string, Presence>(Known(presence), StringComparer.Ordinal)));

    public void Dispose() => _file.Dispose();

    /// <summary>
    /// What the file holds, read whole at the first use of each opening of it and kept in step with every committed
    /// write (this node is the file's only writer); used under the file's write lock only. A failed write leaves it
    /// as it was, and a reopened file is read again.
    /// </summary>
    private Dictionary<string, Presence> Known(ILiteCollection<BsonDocument> presence)
    {
        if (_known is null || !ReferenceEquals(_knownOf, presence))
        {
            _known = presence.FindAll().ToDictionary(d => d["_id"].AsString, FromDocument, StringComparer.Ordinal);
            _knownOf = presence;
        }

        return _known;
    }

    private static bool Apply(ILiteCollection<BsonDocument> presence, PresenceChange change, Dictionary<string, Presence> known, Dictionary<string, Presence> written)
    {
        var current = written.TryGetValue(change.DeviceId, out var now) ? now : known.GetValueOrDefault(change.DeviceId);
        if (change.Online)
        {
            Write(presence, change.DeviceId, current, new Presence(true, change.Session, change.At), written);
            return current is null || !current.Online || current.Session != change.Session;
        }

        // Only a change is written: the will and the end of the connection both end a session, and in a reconnect
        // storm of 10,000 devices the second was 10,000 writes that changed nothing (issue 14).
        if (current is { Online: true } && current.Session == change.Session)
        {
            Write(presence, change.DeviceId, current, current with { Online = false, LastSeen = change.At }, written);
            return true;
        }

        return false;
    }

    private static void Write(ILiteCollection<BsonDocument> presence, string deviceId, Presence? current, Presence next, Dictionary<string, Presence> written)
    {
        // Update alone when the copy knows the device (one index lookup); Upsert (two) for a device new to it.
        var document = ToDocument(deviceId, next);
        if (current is null || !presence.Update(document))
        {
            presence.Upsert(document);
        }

        written[deviceId] = next;
    }

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
