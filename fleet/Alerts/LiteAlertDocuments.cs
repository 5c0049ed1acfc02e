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
        d["resolvedAt"].IsNull ? null : Utc(d["resolvedAt"]));

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
