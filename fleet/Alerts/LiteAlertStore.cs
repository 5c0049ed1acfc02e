using Edge.Storage;
using LiteDB;

namespace Edge.Fleet.Alerts;

/// <summary>
/// <see cref="IAlertStore"/> in its own LiteDB file (<c>{Fleet:DataDir}/alerts.db</c>). Writes are rare (an alert opens
/// or resolves, a manager changes a rule) and made durable, so that a restart neither forgets nor repeats them.
/// </summary>
public sealed class LiteAlertStore : IAlertStore, IDisposable
{
    private const string AlertsCollection = "alerts";
    private const string RulesCollection = "centreRules";

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _alerts;
    private readonly ILiteCollection<BsonDocument> _rules;
    private readonly Lock _writeLock = new();

    public LiteAlertStore(string path)
    {
        _db = LiteFile.Open(path, AlertsCollection, RulesCollection);
        _alerts = _db.GetCollection(AlertsCollection);
        _rules = _db.GetCollection(RulesCollection);
        _alerts.EnsureIndex("open");
        _alerts.EnsureIndex("openedAt");
    }

    public Task<IReadOnlyList<Alert>> OpenAlertsAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<Alert> open = _alerts.Find(Query.EQ("open", true)).Select(FromDocument).ToList();
        return Task.FromResult(open);
    }

    public Task SaveAsync(Alert alert, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            LiteFile.CommitDurably(_db, () => _alerts.Upsert(ToDocument(alert)));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Alert>> HistoryAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<Alert> alerts = _alerts.Query()
            .Where("openedAt >= @0", since.UtcDateTime)
            .OrderByDescending("openedAt")
            .Limit(limit)
            .ToEnumerable()
            .Select(FromDocument)
            .ToList();
        return Task.FromResult(alerts);
    }

    public Task<IReadOnlyDictionary<string, AlertRuleSettings>> CentreRulesAsync(CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, AlertRuleSettings> rules = _rules.FindAll()
            .ToDictionary(d => d["_id"].AsString, d => BsonMapper.Global.ToObject<AlertRuleSettings>(d["rules"].AsDocument), StringComparer.Ordinal);
        return Task.FromResult(rules);
    }

    public Task SaveCentreRulesAsync(string centre, AlertRuleSettings settings, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            var doc = new BsonDocument { ["_id"] = centre, ["rules"] = BsonMapper.Global.ToDocument(settings) };
            LiteFile.CommitDurably(_db, () => _rules.Upsert(doc));
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _db.Dispose();

    private static BsonDocument ToDocument(Alert a)
    {
        var doc = new BsonDocument
        {
            ["_id"] = a.Id,
            ["key"] = a.Key,
            ["kind"] = a.Kind,
            ["severity"] = a.Severity,
            ["detail"] = a.Detail,
            ["openedAt"] = a.OpenedAt.UtcDateTime,
            ["open"] = a.IsOpen,
        };
        if (a.DeviceId is not null)
        {
            doc["device"] = a.DeviceId;
        }

        if (a.Counter is not null)
        {
            doc["counter"] = a.Counter;
        }

        if (a.Centre is not null)
        {
            doc["centre"] = a.Centre;
        }

        if (a.ResolvedAt is { } resolved)
        {
            doc["resolvedAt"] = resolved.UtcDateTime;
        }

        return doc;
    }

    private static Alert FromDocument(BsonDocument d) => new(
        d["_id"].AsString,
        d["key"].AsString,
        d["kind"].AsString,
        d["severity"].AsString,
        d["device"].IsNull ? null : d["device"].AsString,
        d["counter"].IsNull ? null : d["counter"].AsString,
        d["centre"].IsNull ? null : d["centre"].AsString,
        d["detail"].AsString,
        Utc(d["openedAt"]),
        d["resolvedAt"].IsNull ? null : Utc(d["resolvedAt"]));

    private static DateTimeOffset Utc(BsonValue value) => new(DateTime.SpecifyKind(value.AsDateTime, DateTimeKind.Utc));
}
