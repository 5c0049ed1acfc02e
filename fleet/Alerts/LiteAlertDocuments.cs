using LiteDB;

namespace Edge.Fleet.Alerts;

/// <summary>How alerts and notices look as LiteDB documents (<see cref="LiteAlertStore"/>).</summary>
internal static class LiteAlertDocuments
{
    public static BsonDocument FromAlert(Alert a)
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

        if (a.AcknowledgedAt is { } acknowledged)
        {
            doc["acknowledgedAt"] = acknowledged.UtcDateTime;
        }

        foreach (var (field, value) in new[] { ("acknowledgedBy", a.AcknowledgedBy), ("assignedTo", a.AssignedTo), ("resolvedBy", a.ResolvedBy), ("reopens", a.Reopens) })
        {
            if (value is not null)
            {
                doc[field] = value;
            }
        }

        if (a.Parameters is { } parameters)
        {
            var bson = new BsonDocument();
            foreach (var (name, value) in parameters)
            {
                bson[name] = value;
            }

            doc["parameters"] = bson;
        }

        return doc;
    }

    public static Alert ToAlert(BsonDocument d) => new(
        d["_id"].AsString,
        d["key"].AsString,
        d["kind"].AsString,
        d["severity"].AsString,
        d["device"].IsNull ? null : d["device"].AsString,
        d["counter"].IsNull ? null : d["counter"].AsString,
        d["centre"].IsNull ? null : d["centre"].AsString,
        d["detail"].AsString,
        Utc(d["openedAt"]),
        d["resolvedAt"].IsNull ? null : Utc(d["resolvedAt"]))
    {
        AcknowledgedBy = Text(d["acknowledgedBy"]),
        AcknowledgedAt = d["acknowledgedAt"].IsNull ? null : Utc(d["acknowledgedAt"]),
        AssignedTo = Text(d["assignedTo"]),
        ResolvedBy = Text(d["resolvedBy"]),
        Reopens = Text(d["reopens"]),
        Parameters = d["parameters"].IsDocument
            ? d["parameters"].AsDocument.ToDictionary(p => p.Key, p => p.Value.AsString, StringComparer.Ordinal)
            : null,
    };

    public static BsonDocument FromAction(AlertAction a)
    {
        var doc = new BsonDocument
        {
            ["alertId"] = a.AlertId,
            ["at"] = a.At.UtcDateTime,
            ["actor"] = a.Actor,
            ["action"] = a.Action,
        };
        if (a.Detail is not null)
        {
            doc["detail"] = a.Detail;
        }

        return doc;
    }

    public static AlertAction ToAction(BsonDocument d) =>
        new(d["alertId"].AsString, Utc(d["at"]), d["actor"].AsString, d["action"].AsString, Text(d["detail"]));

    public static BsonDocument NewMail(string alertId, string @event, MailTo to, DateTimeOffset at) => new()
    {
        ["_id"] = MailStates.MailId(alertId, @event, to.Person),
        ["alertId"] = alertId,
        ["event"] = @event,
        ["person"] = to.Person,
        ["address"] = to.Address,
        ["state"] = MailStates.Pending,
        ["attempts"] = 0,
        ["dueAt"] = to.DueAt.UtcDateTime,
        ["createdAt"] = at.UtcDateTime,
    };

    public static MailRecord ToMailRecord(BsonDocument d) => new(
        d["_id"].AsString,
        d["alertId"].AsString,
        d["event"].AsString,
        d["person"].AsString,
        d["address"].AsString,
        d["state"].AsString,
        d["attempts"].AsInt32,
        Utc(d["dueAt"]),
        Utc(d["createdAt"]),
        d["sentAt"].IsNull ? null : Utc(d["sentAt"]),
        Text(d["lastError"]));

    private static string? Text(BsonValue value) => value.IsNull ? null : value.AsString;

    public static BsonDocument NewNotice(string alertId, string @event, DateTimeOffset at) => new()
    {
        ["_id"] = NoticeEvents.NoticeId(alertId, @event),
        ["alertId"] = alertId,
        ["event"] = @event,
        ["state"] = NoticeStates.Pending,
        ["attempts"] = 0,
        ["dueAt"] = at.UtcDateTime,
        ["createdAt"] = at.UtcDateTime,
    };

    public static NoticeRecord ToNoticeRecord(BsonDocument d) => new(
        d["_id"].AsString,
        d["alertId"].AsString,
        d["event"].AsString,
        d["state"].AsString,
        d["attempts"].AsInt32,
        Utc(d["createdAt"]),
        d["sentAt"].IsNull ? null : Utc(d["sentAt"]),
        d["lastError"].IsNull ? null : d["lastError"].AsString);

    public static DateTimeOffset Utc(BsonValue value) => new(DateTime.SpecifyKind(value.AsDateTime, DateTimeKind.Utc));
}
