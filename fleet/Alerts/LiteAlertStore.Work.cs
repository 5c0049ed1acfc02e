using Edge.Storage;
using LiteDB;

namespace Edge.Fleet.Alerts;

/// <summary>The work people do on alerts, the e-mail outbox and the dead letters, in <c>alerts.db</c>.</summary>
public sealed partial class LiteAlertStore
{
    public Task<Alert?> FindAsync(string alertId, CancellationToken cancellationToken) =>
        Task.FromResult(_file.Read(c => c.Alerts.FindById(alertId) is { } doc ? LiteAlertDocuments.ToAlert(doc) : null));

    public Task<AlertWorkResult> RecordWorkAsync(AlertAction action, CancellationToken cancellationToken)
    {
        return Task.FromResult(_file.Locked((db, c) =>
        {
            if (c.Alerts.FindById(action.AlertId) is not { } doc)
            {
                return new AlertWorkResult(AlertWorkOutcome.NotFound, null);
            }

            var alert = LiteAlertDocuments.ToAlert(doc);
            var (outcome, changed) = AlertWorkRules.Apply(alert, action);
            if (outcome == AlertWorkOutcome.Done)
            {
                LiteFile.CommitDurably(db, () =>
                {
                    c.Alerts.Update(LiteAlertDocuments.FromAlert(changed));
                    c.Actions.Insert(LiteAlertDocuments.FromAction(action));
                    return true;
                });
            }

            return new AlertWorkResult(outcome, changed);
        }));
    }

    public Task<IReadOnlyList<AlertAction>> ActionsAsync(string alertId, CancellationToken cancellationToken)
    {
        IReadOnlyList<AlertAction> actions = _file.Read(c => c.Actions.Find(Query.EQ("alertId", alertId))
            .OrderBy(d => d["at"].AsDateTime)
            .ThenBy(d => d["_id"])
            .Select(LiteAlertDocuments.ToAction)
            .ToList());
        return Task.FromResult(actions);
    }

    public Task<IReadOnlyList<QueuedMail>> ClaimDueMailsAsync(DateTimeOffset now, TimeSpan claimFor, int addresses, CancellationToken cancellationToken)
    {
        return Task.FromResult(_file.Locked((db, c) =>
        {
            var waiting = c.Mails.Find(Query.In("state", MailStates.Pending, MailStates.Sending)).ToList();
            var due = waiting.Where(m => LiteAlertDocuments.Utc(m["dueAt"]) <= now).Select(m => m["address"].AsString)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(addresses).ToHashSet(StringComparer.Ordinal);
            var claim = waiting
                .Where(m => due.Contains(m["address"].AsString))
                .Where(m => m["state"].AsString == MailStates.Pending || LiteAlertDocuments.Utc(m["dueAt"]) <= now)
                .OrderBy(m => m["address"].AsString, StringComparer.Ordinal)
                .ThenBy(m => m["createdAt"].AsDateTime)
                .ThenBy(m => m["_id"].AsString, StringComparer.Ordinal)
                .ToList();
            if (claim.Count == 0)
            {
                return (IReadOnlyList<QueuedMail>)[];
            }

            var claimed = new List<QueuedMail>();
            LiteFile.CommitDurably(db, () =>
            {
                foreach (var mail in claim)
                {
                    mail["state"] = MailStates.Sending;
                    mail["dueAt"] = (now + claimFor).UtcDateTime;
                    mail["attempts"] = mail["attempts"].AsInt32 + 1;
                    c.Mails.Update(mail);
                    if (c.Alerts.FindById(mail["alertId"]) is { } alertDoc)
                    {
                        var record = LiteAlertDocuments.ToMailRecord(mail);
                        var alert = LiteAlertDocuments.ToAlert(alertDoc);
                        claimed.Add(new QueuedMail(record.Id, record.Person, record.Address, record.Event,
                            record.Event == NoticeEvents.Opened ? alert with { ResolvedAt = null, ResolvedBy = null } : alert,
                            record.Attempts, record.CreatedAt));
                    }
                }

                return true;
            });
            return (IReadOnlyList<QueuedMail>)claimed;
        }));
    }

    public Task MarkMailsSentAsync(IReadOnlyCollection<string> mailIds, DateTimeOffset at, CancellationToken cancellationToken)
    {
        _file.Locked((db, c) =>
        {
            var claimed = mailIds.Select(id => c.Mails.FindById(id)).Where(m => m is not null && m["state"].AsString == MailStates.Sending).ToList();
            if (claimed.Count > 0)
            {
                LiteFile.CommitDurably(db, () =>
                {
                    foreach (var mail in claimed)
                    {
                        mail["state"] = MailStates.Sent;
                        mail["sentAt"] = at.UtcDateTime;
                        mail.Remove("lastError");
                        c.Mails.Update(mail);
                    }

                    return true;
                });
            }

            return true;
        });
        return Task.CompletedTask;
    }

    public Task MarkMailNotSentAsync(string mailId, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        _file.Locked((db, c) =>
        {
            if (c.Mails.FindById(mailId) is { } mail && mail["state"].AsString == MailStates.Sending)
            {
                mail["state"] = retryAt is null ? MailStates.Failed : MailStates.Pending;
                if (retryAt is { } due)
                {
                    mail["dueAt"] = due.UtcDateTime;
                }

                mail["lastError"] = error;
                LiteFile.CommitDurably(db, () => c.Mails.Update(mail));
            }

            return true;
        });
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<MailRecord>> MailsAsync(int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<MailRecord> mails = _file.Read(c => c.Mails.FindAll().Select(LiteAlertDocuments.ToMailRecord)
            .OrderByDescending(m => m.CreatedAt).ThenBy(m => m.Id, StringComparer.Ordinal).Take(limit).ToList());
        return Task.FromResult(mails);
    }

    public Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<DeadLetter> letters = _file.Read(c =>
        {
            var notices = c.Notices.Find(Query.EQ("state", NoticeStates.Failed)).Select(LiteAlertDocuments.ToNoticeRecord)
                .Select(n => new DeadLetter(DeadLetterChannels.Webhook, n.Id, n.AlertId, n.Event, null, n.Attempts, n.CreatedAt, n.LastError));
            var mails = c.Mails.Find(Query.EQ("state", MailStates.Failed)).Select(LiteAlertDocuments.ToMailRecord)
                .Select(m => new DeadLetter(DeadLetterChannels.Mail, m.Id, m.AlertId, m.Event, m.Address, m.Attempts, m.CreatedAt, m.LastError));
            return notices.Concat(mails)
                .OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Channel, StringComparer.Ordinal).ThenBy(d => d.Id, StringComparer.Ordinal)
                .Take(limit).ToList();
        });
        return Task.FromResult(letters);
    }

    public Task<bool> RetryDeadLetterAsync(string channel, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        return Task.FromResult(_file.Locked((db, c) =>
        {
            var collection = channel switch
            {
                DeadLetterChannels.Webhook => c.Notices,
                DeadLetterChannels.Mail => c.Mails,
                _ => null,
            };
            if (collection?.FindById(id) is not { } letter || letter["state"].AsString != NoticeStates.Failed)
            {
                return false;
            }

            letter["state"] = NoticeStates.Pending;
            letter["attempts"] = 0;
            letter["dueAt"] = now.UtcDateTime;
            return LiteFile.CommitDurably(db, () => collection.Update(letter));
        }));
    }

    /// <summary>Every history entry (for the copier to PostgreSQL).</summary>
    internal IReadOnlyList<AlertAction> AllActions() => _file.Read(c => c.Actions.FindAll().Select(LiteAlertDocuments.ToAction).ToList());

    /// <summary>Every queued e-mail (for the copier to PostgreSQL).</summary>
    internal IReadOnlyList<MailRecord> AllMails() => _file.Read(c => c.Mails.FindAll().Select(LiteAlertDocuments.ToMailRecord).ToList());

    /// <summary>Inside a commit: the transition's webhook notice and e-mails.</summary>
    private static void QueueOutbox(Collections c, string alertId, string @event, DateTimeOffset at, AlertOutbox outbox)
    {
        if (outbox.Webhook)
        {
            c.Notices.Upsert(LiteAlertDocuments.NewNotice(alertId, @event, at));
        }

        foreach (var to in outbox.Mails.DistinctBy(m => m.Person, StringComparer.Ordinal))
        {
            c.Mails.Upsert(LiteAlertDocuments.NewMail(alertId, @event, to, at));
        }
    }
}
