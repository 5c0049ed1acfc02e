using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using Edge.Fleet.Store.Moving;
using Edge.Wire;
using LiteDB;
using JsonSerializer = System.Text.Json.JsonSerializer;

namespace Edge.Fleet.Health;

/// <summary>
/// <see cref="IHealthStore"/> in its own LiteDB file (<c>{Fleet:DataDir}/health.db</c>), apart from the events so that
/// heartbeat writes never contend with ingest. A report is kept as its wire JSON: the document shape then follows
/// the wire contract without a second mapping. A history document's id is the device and
/// <see cref="HeartbeatIdentity.KeyOf"/>, so a heartbeat delivered twice is kept once (documents written before
/// that have generated ids and stay as they are).
/// </summary>
public sealed class LiteHealthStore : IHealthStore, IDisposable
{
    private const string HistoryCollection = "health";
    private const string LatestCollection = "latest";

    private readonly ReopeningLiteFile<Collections> _file;

    public LiteHealthStore(string path, StoreOutages? outages = null, LiteFileOpening? opening = null)
    {
        _file = new ReopeningLiteFile<Collections>("health", path, [HistoryCollection, LatestCollection], Collections.Of, outages, opening);
    }

    public Task AppendAsync(IReadOnlyList<HealthSample> samples, CancellationToken cancellationToken)
    {
        // Not waited onto disk: a heartbeat lost to a crash is replaced by the next one.
        _file.Write(
            store =>
            {
                foreach (var sample in samples)
                {
                    var id = HistoryId(sample);
                    if (store.History.FindById(id) is null)
                    {
                        store.History.Insert(ToDocument(sample, id));
                    }
                }

                foreach (var group in samples.GroupBy(s => s.DeviceId))
                {
                    var held = store.Latest.FindById(group.Key) is { } doc ? FromDocument(doc) : null;
                    foreach (var sample in group)
                    {
                        if (held is null || !HeartbeatBoard.IsOlder(sample, held))
                        {
                            held = sample;
                        }
                    }

                    store.Latest.Upsert(ToDocument(held!, id: group.Key));
                }

                return samples.Count;
            },
            durable: false);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<HealthSample>> LatestAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<HealthSample> latest = _file.Read(store => store.Latest.FindAll().Select(FromDocument).ToList());
        return Task.FromResult(latest);
    }

    public Task<IReadOnlyList<HealthSample>> HistoryAsync(
        string deviceId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<HealthSample> history = _file.Read(store => store.History.Query()
            .Where("device = @0", deviceId)
            .Where("receivedAt >= @0 AND receivedAt < @1", from.UtcDateTime, to.UtcDateTime)
            .OrderByDescending("receivedAt")
            .Limit(limit)
            .ToEnumerable()
            .Select(FromDocument)
            .ToList());
        return Task.FromResult(history);
    }

    public Task<int> TrimAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Locked((_, store) => store.History.DeleteMany(Query.LT("receivedAt", before.UtcDateTime))));

    public void Dispose() => _file.Dispose();

    /// <summary>The whole history in pages, each read before it is handed out (see <see cref="LitePages"/>).</summary>
    internal IEnumerable<IReadOnlyList<HealthSample>> ReadHistoryInPages(int size) =>
        LitePages.Of(_file.Read(store => store.History), size).Select(page => (IReadOnlyList<HealthSample>)page.Select(FromDocument).ToList());

    private static string HistoryId(HealthSample sample) => sample.DeviceId + "\n" + HeartbeatIdentity.KeyOf(sample);

    private static BsonDocument ToDocument(HealthSample sample, string? id)
    {
        var doc = new BsonDocument
        {
            ["device"] = sample.DeviceId,
            ["receivedAt"] = sample.ReceivedAt.UtcDateTime,
            ["report"] = JsonSerializer.Serialize(sample.Report, WireJson.Default.HealthReport),
        };
        if (id is not null)
        {
            doc["_id"] = id;
        }

        return doc;
    }

    /// <summary>The file's collections and indexes, made again at every opening.</summary>
    private sealed record Collections(ILiteCollection<BsonDocument> History, ILiteCollection<BsonDocument> Latest)
    {
        public static Collections Of(LiteDatabase db)
        {
            var history = db.GetCollection(HistoryCollection);
            history.EnsureIndex("device");
            history.EnsureIndex("receivedAt");
            return new Collections(history, db.GetCollection(LatestCollection));
        }
    }

    private static HealthSample FromDocument(BsonDocument doc) => new(
        doc["device"].AsString,
        new DateTimeOffset(DateTime.SpecifyKind(doc["receivedAt"].AsDateTime, DateTimeKind.Utc)),
        JsonSerializer.Deserialize(doc["report"].AsString, WireJson.Default.HealthReport)!);
}
