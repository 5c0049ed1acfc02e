using Edge.Storage;
using LiteDB;

namespace Edge.Fleet.Alerts;

/// <summary>
/// <see cref="IAlertStore"/> in its own LiteDB file (<c>{Fleet:DataDir}/alerts.db</c>). Writes are rare (an alert opens
/// or resolves, a notice is sent, a manager changes a rule) and made durable, so that a restart neither forgets nor
/// repeats them. One process owns the file, so the conditional writes only need the write lock.
/// </summary>
public sealed partial class LiteAlertStore : IAlertStore, IDisposable
{
    private const string AlertsCollection = "alerts";
    private const string RulesCollection = "centreRules";
    private const string NoticesCollection = "notices";
    private const string HoldsCollection = "holds";
    private const string ActionsCollection = "actions";
    private const string MailsCollection = "mails";

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _alerts;
    private readonly ILiteCollection<BsonDocument> _rules;
    private readonly ILiteCollection<BsonDocument> _notices;
    private readonly ILiteCollection<BsonDocument> _holds;
    private readonly ILiteCollection<BsonDocument> _actions;
    private readonly ILiteCollection<BsonDocument> _mails;
    private readonly Lock _writeLock = new();

    public LiteAlertStore(string path)
    {
        _db = LiteFile.Open(path, AlertsCollection, RulesCollection, NoticesCollection, HoldsCollection, ActionsCollection, MailsCollection);
        _alerts = _db.GetCollection(AlertsCollection);
        _rules = _db.GetCollection(RulesCollection);
        _notices = _db.GetCollection(NoticesCollection);
        _holds = _db.GetCollection(HoldsCollection);
        _actions = _db.GetCollection(ActionsCollection);
        _mails = _db.GetCollection(MailsCollection);
        _actions.EnsureIndex("alertId");
        _mails.EnsureIndex("state");
        _alerts.EnsureIndex("open");
        _alerts.EnsureIndex("openedAt");
        _alerts.EnsureIndex("key");
        _notices.EnsureIndex("state");
    }

    public Task<IReadOnlyList<Alert>> OpenAlertsAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<Alert> open = _alerts.Find(Query.EQ("open", true)).Select(LiteAlertDocuments.ToAlert).ToList();
        return Task.FromResult(open);
    }

    public Task<IReadOnlyList<Alert>> HistoryAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<Alert> alerts = _alerts.Query()
            .Where("openedAt >= @0", since.UtcDateTime)
            .OrderByDescending("openedAt")
            .Limit(limit)
            .ToEnumerable()
            .Select(LiteAlertDocuments.ToAlert)
            .ToList();
        return Task.FromResult(alerts);
    }

    public Task<bool> TryOpenAsync(Alert alert, AlertOutbox outbox, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            if (_alerts.Exists(Query.And(Query.EQ("key", alert.Key), Query.EQ("open", true))))
            {
                return Task.FromResult(false);
            }

            var last = _alerts.Find(Query.EQ("key", alert.Key)).Where(d => !d["resolvedAt"].IsNull).MaxBy(d => d["resolvedAt"].AsDateTime);
            var reopens = last is not null && !last["resolvedBy"].IsNull ? last["_id"].AsString : null;
            LiteFile.CommitDurably(_db, () =>
            {
                _alerts.Insert(LiteAlertDocuments.FromAlert(alert with { ResolvedAt = null, Reopens = reopens }));
                QueueOutbox(alert.Id, NoticeEvents.Opened, alert.OpenedAt, outbox);
                return true;
            });
        }

        return Task.FromResult(true);
    }

    public Task<Alert?> TryResolveAsync(string alertId, DateTimeOffset at, string? by, string? comment, AlertOutbox outbox, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            var doc = _alerts.FindById(alertId);
            if (doc is null || !doc["open"].AsBoolean)
            {
                return Task.FromResult<Alert?>(null);
            }

            var resolved = LiteAlertDocuments.ToAlert(doc) with { ResolvedAt = at, ResolvedBy = by };
            LiteFile.CommitDurably(_db, () =>
            {
                _alerts.Update(LiteAlertDocuments.FromAlert(resolved));
                if (by is not null)
                {
                    _actions.Insert(LiteAlertDocuments.FromAction(new AlertAction(alertId, at, by, AlertActions.Resolved, comment)));
                }

                QueueOutbox(alertId, NoticeEvents.Resolved, at, outbox);
                return true;
            });
            return Task.FromResult<Alert?>(resolved);
        }
    }

    public Task<IReadOnlyList<QueuedNotice>> ClaimDueNoticesAsync(DateTimeOffset now, TimeSpan claimFor, int limit, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            var waiting = _notices.Find(Query.In("state", NoticeStates.Pending, NoticeStates.Sending)).ToList();
            var openedWaiting = waiting.Where(n => n["event"].AsString == NoticeEvents.Opened).Select(n => n["alertId"].AsString).ToHashSet(StringComparer.Ordinal);
            var due = waiting
                .Where(n => LiteAlertDocuments.Utc(n["dueAt"]) <= now)
                .Where(n => n["event"].AsString != NoticeEvents.Resolved || !openedWaiting.Contains(n["alertId"].AsString))
                .OrderBy(n => n["createdAt"].AsDateTime)
                .ThenBy(n => n["event"].AsString == NoticeEvents.Resolved)
                .ThenBy(n => n["_id"].AsString, StringComparer.Ordinal)
                .Take(limit)
                .ToList();
            if (due.Count == 0)
            {
                return Task.FromResult<IReadOnlyList<QueuedNotice>>([]);
            }

            var claimed = new List<QueuedNotice>();
            LiteFile.CommitDurably(_db, () =>
            {
                foreach (var notice in due)
                {
                    notice["state"] = NoticeStates.Sending;
                    notice["dueAt"] = (now + claimFor).UtcDateTime;
                    notice["attempts"] = notice["attempts"].AsInt32 + 1;
                    _notices.Update(notice);
                    if (_alerts.FindById(notice["alertId"]) is { } alertDoc)
                    {
                        var @event = notice["event"].AsString;
                        var alert = LiteAlertDocuments.ToAlert(alertDoc);
                        claimed.Add(new QueuedNotice(notice["_id"].AsString,
                            new AlertNotice(@event, @event == NoticeEvents.Opened ? alert with { ResolvedAt = null } : alert),
                            notice["attempts"].AsInt32));
                    }
                }

                return true;
            });
            return Task.FromResult<IReadOnlyList<QueuedNotice>>(claimed);
        }
    }

    public Task MarkNoticeSentAsync(string noticeId, DateTimeOffset at, CancellationToken cancellationToken) =>
        UpdateClaimed(noticeId, n =>
        {
            n["state"] = NoticeStates.Sent;
            n["sentAt"] = at.UtcDateTime;
            n.Remove("lastError");
        });

    public Task MarkNoticeNotSentAsync(string noticeId, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        UpdateClaimed(noticeId, n =>
        {
            n["state"] = retryAt is null ? NoticeStates.Failed : NoticeStates.Pending;
            if (retryAt is { } due)
            {
                n["dueAt"] = due.UtcDateTime;
            }

            n["lastError"] = error;
        });

    public Task<IReadOnlyList<NoticeRecord>> NoticesAsync(int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<NoticeRecord> notices = _notices.FindAll()
            .Select(LiteAlertDocuments.ToNoticeRecord)
            .OrderByDescending(n => n.CreatedAt)
            .Take(limit)
            .ToList();
        return Task.FromResult(notices);
    }

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> HoldsAsync(CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, DateTimeOffset> holds = _holds.FindAll()
            .ToDictionary(d => d["_id"].AsString, d => LiteAlertDocuments.Utc(d["since"]), StringComparer.Ordinal);
        return Task.FromResult(holds);
    }

    public Task UpdateHoldsAsync(IReadOnlyDictionary<string, DateTimeOffset> started, IReadOnlyCollection<string> ended, CancellationToken cancellationToken)
    {
        if (started.Count == 0 && ended.Count == 0)
        {
            return Task.CompletedTask;
        }

        lock (_writeLock)
        {
            LiteFile.CommitDurably(_db, () =>
            {
                foreach (var (key, since) in started)
                {
                    if (_holds.FindById(key) is null)
                    {
                        _holds.Insert(new BsonDocument { ["_id"] = key, ["since"] = since.UtcDateTime });
                    }
                }

                foreach (var key in ended)
                {
                    _holds.Delete(key);
                }

                return true;
            });
        }

        return Task.CompletedTask;
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

    /// <summary>Every alert, open or resolved (for the copier to PostgreSQL).</summary>
    internal IReadOnlyList<Alert> AllAlerts() => _alerts.FindAll().Select(LiteAlertDocuments.ToAlert).ToList();

    /// <summary>Every notice with what a copy needs to carry on (state, attempts, due time).</summary>
    internal IReadOnlyList<(NoticeRecord Notice, DateTimeOffset DueAt)> AllNotices() =>
        _notices.FindAll().Select(d => (LiteAlertDocuments.ToNoticeRecord(d), LiteAlertDocuments.Utc(d["dueAt"]))).ToList();

    public void Dispose() => _db.Dispose();

    private Task UpdateClaimed(string noticeId, Action<BsonDocument> change)
    {
        lock (_writeLock)
        {
            if (_notices.FindById(noticeId) is { } notice && notice["state"].AsString == NoticeStates.Sending)
            {
                change(notice);
                LiteFile.CommitDurably(_db, () => _notices.Update(notice));
            }
        }

        return Task.CompletedTask;
    }
}
