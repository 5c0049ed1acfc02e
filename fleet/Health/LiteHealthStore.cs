using Edge.Fleet.Store.Moving;
using Edge.Storage;
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

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _history;
    private readonly ILiteCollection<BsonDocument> _latest;
    private readonly Lock _writeLock = new();

    public LiteHealthStore(string path)
    {
        _db = LiteFile.Open(path, HistoryCollection, LatestCollection);
        _history = _db.GetCollection(HistoryCollection);
        _latest = _db.GetCollection(LatestCollection);
        _history.EnsureIndex("device");
        _history.EnsureIndex("receivedAt");
    }

    public Task AppendAsync(IReadOnlyList<HealthSample> samples, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            if (!_db.BeginTrans())
            {
                throw new InvalidOperationException("A LiteDB transaction is already open on this thread.");
            }

            try
            {
                foreach (var sample in samples)
                {
                    var id = HistoryId(sample);
                    if (_history.FindById(id) is null)
                    {
                        _history.Insert(ToDocument(sample, id));
                    }
                }

                foreach (var group in samples.GroupBy(s => s.DeviceId))
                {
                    var held = _latest.FindById(group.Key) is { } doc ? FromDocument(doc) : null;
                    foreach (var sample in group)
                    {
                        if (held is null || !HeartbeatBoard.IsOlder(sample, held))
                        {
                            held = sample;
                        }
                    }

                    _latest.Upsert(ToDocument(held!, id: group.Key));
                }

                _db.Commit();
            }
            catch
            {
                _db.Rollback();
                throw;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<HealthSample>> LatestAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<HealthSample> latest = _latest.FindAll().Select(FromDocument).ToList();
        return Task.FromResult(latest);
    }

    public Task<IReadOnlyList<HealthSample>> HistoryAsync(
        string deviceId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<HealthSample> history = _history.Query()
            .Where("device = @0", deviceId)
            .Where("receivedAt >= @0 AND receivedAt < @1", from.UtcDateTime, to.UtcDateTime)
            .OrderByDescending("receivedAt")
            .Limit(limit)
            .ToEnumerable()
            .Select(FromDocument)
            .ToList();
        return Task.FromResult(history);
    }

    public Task<int> TrimAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            return Task.FromResult(_history.DeleteMany(Query.LT("receivedAt", before.UtcDateTime)));
        }
    }

    public void Dispose() => _db.Dispose();

    /// <summary>Every document of the history, oldest first, for the move to PostgreSQL.</summary>
    /// <summary>The whole history in pages, each read before it is handed out (see <see cref="LitePages"/>).</summary>
    internal IEnumerable<IReadOnlyList<HealthSample>> ReadHistoryInPages(int size) =>
        LitePages.Of(_history, size).Select(page => (IReadOnlyList<HealthSample>)page.Select(FromDocument).ToList());

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

    private static HealthSample FromDocument(BsonDocument doc) => new(
        doc["device"].AsString,
        new DateTimeOffset(DateTime.SpecifyKind(doc["receivedAt"].AsDateTime, DateTimeKind.Utc)),
        JsonSerializer.Deserialize(doc["report"].AsString, WireJson.Default.HealthReport)!);
}
