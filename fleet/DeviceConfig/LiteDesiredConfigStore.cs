using Edge.Storage;
using LiteDB;

namespace Edge.Fleet.DeviceConfig;

/// <summary>
/// <see cref="IDesiredConfigStore"/> in <c>{Fleet:DataDir}/config.db</c> (collections <c>layers</c> and <c>reported</c>),
/// for one node. The next revision is kept in memory (the highest stored, read at open) and taken under the same lock
/// as the write, which is enough in one process. Layer changes are durable before they return; reports are not fsynced
/// (a device reports again with every redelivery of its desired configuration).
/// </summary>
public sealed class LiteDesiredConfigStore : IDesiredConfigStore, IDisposable
{
    public const string FileName = "config.db";

    private const string LayersCollection = "layers";
    private const string ReportedCollection = "reported";

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<ConfigLayer> _layers;
    private readonly ILiteCollection<ReportedRecord> _reported;
    private readonly Lock _gate = new();
    private long _revision;

    public LiteDesiredConfigStore(string path)
    {
        _db = LiteFile.Open(path, LayersCollection, ReportedCollection);
        _layers = _db.GetCollection<ConfigLayer>(LayersCollection);
        _reported = _db.GetCollection<ReportedRecord>(ReportedCollection);
        _revision = _layers.Query().ToEnumerable().Select(l => l.Revision).DefaultIfEmpty(0).Max();
    }

    public Task<ConfigLayer?> FindLayerAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<ConfigLayer?>(_layers.FindById(id));
        }
    }

    public Task<IReadOnlyList<ConfigLayer>> FindLayersAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ConfigLayer>>(ids.Distinct(StringComparer.Ordinal).Select(id => _layers.FindById(id)).OfType<ConfigLayer>().ToList());
        }
    }

    public Task<IReadOnlyList<ConfigLayer>> ListLayersAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ConfigLayer>>(_layers.FindAll().OrderBy(l => l.Id, StringComparer.Ordinal).ToList());
        }
    }

    public Task<ConfigLayer> PutLayerAsync(string id, string settingsJson, DateTime updatedAt, string updatedBy, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var layer = new ConfigLayer
            {
                Id = id,
                SettingsJson = settingsJson,
                Revision = _revision + 1,
                UpdatedAt = updatedAt,
                UpdatedBy = updatedBy,
            };
            LiteFile.CommitDurably(_db, () => _layers.Upsert(layer));
            _revision = layer.Revision;
            return Task.FromResult(layer);
        }
    }

    public Task<ReportedRecord?> FindReportedAsync(string deviceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<ReportedRecord?>(_reported.FindById(deviceId));
        }
    }

    public Task<IReadOnlyList<ReportedRecord>> ListReportedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ReportedRecord>>(_reported.FindAll().OrderBy(r => r.DeviceId, StringComparer.Ordinal).ToList());
        }
    }

    public Task SaveReportedAsync(ReportedRecord record, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _reported.Upsert(record);
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _db.Dispose();
}
