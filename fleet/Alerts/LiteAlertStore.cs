using Edge.Fleet.Store;
using Edge.Fleet.Store.Lite;
using Edge.Storage;
using LiteDB;

namespace Edge.Fleet.Alerts;

/// <summary>
/// <see cref="IAlertStore"/> in its own LiteDB file (<c>{Fleet:DataDir}/alerts.db</c>). Writes are rare (an alert opens
/// or resolves, a notice is sent, a manager changes a rule) and made durable, so that a restart neither forgets nor
/// repeats them. One process owns the file, so the conditional writes only need the write lock. The file reopens itself
/// after its engine failed (a full disk, <see cref="ReopeningLiteFile{TView}"/>): meanwhile every call throws
/// <see cref="StoreUnavailableException"/> naming the alert store, so a transition and its notices are not committed
/// (the evaluator commits it at a later round) and the API answers 503.
/// </summary>
public sealed partial class LiteAlertStore : IAlertStore, IDisposable
{
    private const string AlertsCollection = "alerts";
    private const string RulesCollection = "centreRules";
    private const string NoticesCollection = "notices";
    private const string HoldsCollection = "holds";
    private const string ActionsCollection = "actions";
    private const string MailsCollection = "mails";

    private readonly ReopeningLiteFile<Collections> _file;

    /// <summary>The store on <paramref name="path"/> (see <see cref="ReopeningLiteFile{TView}"/> for <paramref name="outages"/> and <paramref name="opening"/>).</summary>
    public LiteAlertStore(string path, StoreOutages? outages = null, LiteFileOpening? opening = null)
    {
        _file = new ReopeningLiteFile<Collections>(
            Name, path, [AlertsCollection, RulesCollection, NoticesCollection, HoldsCollection, ActionsCollection, MailsCollection], Collections.Of, outages, opening);
    }

    /// <summary>The store's name in 503 answers, <c>/healthz</c> and <c>/metrics</c>.</summary>
    public static string Name => "alert";

    public Task<IReadOnlyList<Alert>> OpenAlertsAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<Alert> open = _file.Read(c => c.Alerts.Find(Query.EQ("open", true)).Select(LiteAlertDocuments.ToAlert).ToList());
        return Task.FromResult(open);
    }

    public Task<IReadOnlyList<Alert>> HistoryAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<Alert> alerts = _file.Read(c => c.Alerts.Query()
            .Where("openedAt >= @0", since.UtcDateTime)
            .OrderByDescending("openedAt")
            .Limit(limit)
            .ToEnumerable()
            .Select(LiteAlertDocuments.ToAlert)
            .ToList());
        return Task.FromResult(alerts);
    }

    public Task<bool> TryOpenAsync(Alert alert, AlertOutbox outbox, CancellationToken cancellationToken)
    {
        return Task.FromResult(_file.Locked((db, c) =>
        {
            if (c.Alerts.Exists(Query.And(Query.EQ("key", alert.Key), Query.EQ("open", true))))
            {
                return false;
            }

            var last = c.Alerts.Find(Query.EQ("key", alert.Key)).Where(d => !d["resolvedAt"].IsNull).MaxBy(d => d["resolvedAt"].AsDateTime);
            var reopens = last is not null && !last["resolvedBy"].IsNull ? last["_id"].AsString : null;
            return LiteFile.CommitDurably(db, () =>
            {
                c.Alerts.Insert(LiteAlertDocuments.FromAlert(alert with { ResolvedAt = null, Reopens = reopens }));
                QueueOutbox(c, alert.Id, NoticeEvents.Opened, alert.OpenedAt, outbox);
                return true;
            });
        }));
    }

    public Task<Alert?> TryResolveAsync(string alertId, DateTimeOffset at, string? by, string? comment, AlertOutbox outbox, CancellationToken cancellationToken)
    {
        return Task.FromResult(_file.Locked((db, c) =>
        {
            var doc = c.Alerts.FindById(alertId);
            if (doc is null || !doc["open"].AsBoolean)
            {
                return null;
            }

            var resolved = LiteAlertDocuments.ToAlert(doc) with { ResolvedAt = at, ResolvedBy = by };
            LiteFile.CommitDurably(db, () =>
            {
                c.Alerts.Update(LiteAlertDocuments.FromAlert(resolved));
                if (by is not null)
                {
                    c.Actions.Insert(LiteAlertDocuments.FromAction(new AlertAction(alertId, at, by, AlertActions.Resolved, comment)));
                }

                QueueOutbox(c, alertId, NoticeEvents.Resolved, at, outbox);
                return true;
            });
            return (Alert?)resolved;
        }));
    }

    public Task<IReadOnlyList<QueuedNotice>> ClaimDueNoticesAsync(DateTimeOffset now, TimeSpan claimFor, int limit, CancellationToken cancellationToken)
    {
        return Task.FromResult(_file.Locked((db, c) =>
        {
            var waiting = c.Notices.Find(Query.In("state", NoticeStates.Pending, NoticeStates.Sending)).ToList();
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
                return (IReadOnlyList<QueuedNotice>)[];
            }

            var claimed = new List<QueuedNotice>();
            LiteFile.CommitDurably(db, () =>
            {
                foreach (var notice in due)
                {
                    notice["state"] = NoticeStates.Sending;
                    notice["dueAt"] = (now + claimFor).UtcDateTime;
                    notice["attempts"] = notice["attempts"].AsInt32 + 1;
                    c.Notices.Update(notice);
                    if (c.Alerts.FindById(notice["alertId"]) is { } alertDoc)
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
            return (IReadOnlyList<QueuedNotice>)claimed;
        }));
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
        IReadOnlyList<NoticeRecord> notices = _file.Read(c => c.Notices.FindAll()
            .Select(LiteAlertDocuments.ToNoticeRecord)
            .OrderByDescending(n => n.CreatedAt)
            .Take(limit)
            .ToList());
        return Task.FromResult(notices);
    }

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> HoldsAsync(CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, DateTimeOffset> holds = _file.Read(c => c.Holds.FindAll()
            .ToDictionary(d => d["_id"].AsString, d => LiteAlertDocuments.Utc(d["since"]), StringComparer.Ordinal));
        return Task.FromResult(holds);
    }

    public Task UpdateHoldsAsync(IReadOnlyDictionary<string, DateTimeOffset> started, IReadOnlyCollection<string> ended, CancellationToken cancellationToken)
    {
        if (started.Count == 0 && ended.Count == 0)
        {
            return Task.CompletedTask;
        }

        _file.Write(c =>
        {
            foreach (var (key, since) in started)
            {
                if (c.Holds.FindById(key) is null)
                {
                    c.Holds.Insert(new BsonDocument { ["_id"] = key, ["since"] = since.UtcDateTime });
                }
            }

            foreach (var key in ended)
            {
                c.Holds.Delete(key);
            }

            return true;
        });
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, AlertRuleSettings>> CentreRulesAsync(CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, AlertRuleSettings> rules = _file.Read(c => c.Rules.FindAll()
            .ToDictionary(d => d["_id"].AsString, d => BsonMapper.Global.ToObject<AlertRuleSettings>(d["rules"].AsDocument), StringComparer.Ordinal));
        return Task.FromResult(rules);
    }

    public Task SaveCentreRulesAsync(string centre, AlertRuleSettings settings, CancellationToken cancellationToken)
    {
        var doc = new BsonDocument { ["_id"] = centre, ["rules"] = BsonMapper.Global.ToDocument(settings) };
        _file.Write(c => c.Rules.Upsert(doc));
        return Task.CompletedTask;
    }

    /// <summary>Every alert, open or resolved (for the copier to PostgreSQL).</summary>
    internal IReadOnlyList<Alert> AllAlerts() => _file.Read(c => c.Alerts.FindAll().Select(LiteAlertDocuments.ToAlert).ToList());

    /// <summary>Every notice with what a copy needs to carry on (state, attempts, due time).</summary>
    internal IReadOnlyList<(NoticeRecord Notice, DateTimeOffset DueAt)> AllNotices() =>
        _file.Read(c => c.Notices.FindAll().Select(d => (LiteAlertDocuments.ToNoticeRecord(d), LiteAlertDocuments.Utc(d["dueAt"]))).ToList());

    public void Dispose() => _file.Dispose();

    private Task UpdateClaimed(string noticeId, Action<BsonDocument> change)
    {
        _file.Locked((db, c) =>
        {
            if (c.Notices.FindById(noticeId) is { } notice && notice["state"].AsString == NoticeStates.Sending)
            {
                change(notice);
                LiteFile.CommitDurably(db, () => c.Notices.Update(notice));
            }

            return true;
        });
        return Task.CompletedTask;
    }

    /// <summary>The file's collections and indexes, made again at every opening.</summary>
    private sealed record Collections(
        ILiteCollection<BsonDocument> Alerts,
        ILiteCollection<BsonDocument> Rules,
        ILiteCollection<BsonDocument> Notices,
        ILiteCollection<BsonDocument> Holds,
        ILiteCollection<BsonDocument> Actions,
        ILiteCollection<BsonDocument> Mails)
    {
        public static Collections Of(LiteDatabase db)
        {
            var c = new Collections(
                db.GetCollection(AlertsCollection), db.GetCollection(RulesCollection), db.GetCollection(NoticesCollection),
                db.GetCollection(HoldsCollection), db.GetCollection(ActionsCollection), db.GetCollection(MailsCollection));
            c.Actions.EnsureIndex("alertId");
            c.Mails.EnsureIndex("state");
            c.Alerts.EnsureIndex("open");
            c.Alerts.EnsureIndex("openedAt");
            c.Alerts.EnsureIndex("key");
            c.Notices.EnsureIndex("state");
            return c;
        }
    }
}
