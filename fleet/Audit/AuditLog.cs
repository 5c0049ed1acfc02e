using Edge.Fleet.Registry;
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
    public const string ConfigChanged = "config.changed";
}

/// <summary>
/// Append-only audit log in the registry file. Other features record their own changes through
/// <see cref="Record"/> (e.g. configuration pushes: <see cref="AuditActions.ConfigChanged"/>).
/// </summary>
public sealed class AuditLog(RegistryDatabase db, TimeProvider time, ILogger<AuditLog> logger)
{
    public const string Collection = "audit";

    private readonly ILiteCollection<AuditEntry> _entries = db.Collection<AuditEntry>(Collection);

    public void Record(string actor, string action, string? subject, bool success = true, string? detail = null, string? address = null)
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
        db.Write(() => _entries.Insert(entry));
        logger.LogInformation("Audit: {Actor} {Action} {Subject} {Outcome} {Detail}", actor, action, subject, success ? "ok" : "refused", detail);
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<AuditEntry> List(string? action, int limit)
    {
        var query = _entries.Query();
        if (action is not null)
        {
            query = query.Where(e => e.Action == action);
        }

        return query.OrderByDescending(e => e.Id).Limit(limit).ToList();
    }
}
