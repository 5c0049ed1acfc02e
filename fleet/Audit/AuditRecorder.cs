using LiteDB;

namespace Edge.Fleet.Audit;

/// <summary>One thing a person or a device did that changes who may do what (collection <c>audit</c>).</summary>
public sealed class AuditEntry
{
    [BsonId(autoId: true)]
    public long Id { get; set; }

    public DateTime At { get; set; }

    /// <summary>User name, <c>device:{id}</c>, <c>cli</c>, or <c>anonymous</c>.</summary>
    public string Actor { get; set; } = "";

    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public string Action { get; set; } = "";

    /// <summary>What it was done to: a device id, a user name, a centre.</summary>
    public string? Subject { get; set; }

    public bool Success { get; set; } = true;

    public string? Detail { get; set; }

    /// <summary>Remote address of the request, when it came over the network.</summary>
    public string? Address { get; set; }
}

public static class AuditActions
{
    public const string EnrolmentCreated = "enrolment.created";
    public const string DeviceProvisioned = "device.provisioned";
    public const string ProvisionRefused = "device.provision-refused";
    public const string DeviceReplaced = "device.replaced";
    public const string DeviceRetired = "device.retired";
    public const string LoginSucceeded = "login.succeeded";
    public const string LoginFailed = "login.failed";
    public const string UserCreated = "user.created";
    public const string TokenCreated = "token.created";
    public const string TokenRevoked = "token.revoked";
    public const string UserDeleted = "user.deleted";
    public const string ConfigChanged = "config.changed";
    public const string AlertRulesChanged = "alert-rules.changed";

    /// <summary>Work on an alert: <c>alert.</c> and the history's action (<see cref="Alerts.AlertActions"/>), e.g. <c>alert.acknowledged</c>.</summary>
    public const string AlertWorkPrefix = "alert.";
    public const string DeadLetterRetried = "notification.retried";
    public const string CentreKeyRotated = "centre-key.rotated";
    public const string CentreSaved = "centre.saved";
    public const string CentreDeleted = "centre.deleted";
    public const string CentresImported = "centres.imported";
}

/// <summary>
/// The audit log (<see cref="IAuditStore"/>). Other features record their own changes through <see cref="Record"/>
/// or <see cref="RecordAsync"/> (e.g. configuration pushes: <see cref="AuditActions.ConfigChanged"/>).
/// </summary>
public sealed class AuditRecorder(IAuditStore store, TimeProvider time, ILogger<AuditRecorder> logger)
{
    /// <summary>Appends an entry, durable when this returns.</summary>
    public async Task RecordAsync(string actor, string action, string? subject, bool success = true, string? detail = null,
        string? address = null, CancellationToken cancellationToken = default)
    {
        var entry = new AuditEntry
        {
            At = time.GetUtcNow().UtcDateTime,
            Actor = actor,
            Action = action,
            Subject = subject,
            Success = success,
            Detail = detail,
            Address = address,
        };
        await store.AppendAsync(entry, cancellationToken);
        logger.LogInformation("Audit: {Actor} {Action} {Subject} {Outcome} {Detail}", actor, action, subject, success ? "ok" : "refused", detail);
    }

    /// <summary><see cref="RecordAsync"/> for callers that cannot await (it blocks the calling thread on the store).</summary>
    public void Record(string actor, string action, string? subject, bool success = true, string? detail = null, string? address = null) =>
        RecordAsync(actor, action, subject, success, detail, address).GetAwaiter().GetResult();

    /// <summary>Newest first.</summary>
    public Task<IReadOnlyList<AuditEntry>> ListAsync(string? action, int limit, CancellationToken cancellationToken) =>
        store.ListAsync(action, limit, cancellationToken);
}
