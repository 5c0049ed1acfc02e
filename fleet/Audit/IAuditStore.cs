namespace Edge.Fleet.Audit;

/// <summary>
/// The audit log, append-only and persistent: <see cref="LiteAuditStore"/> (collection <c>audit</c> of
/// <c>registry.db</c>) or <see cref="PostgresAuditStore"/> (table <c>audit_log</c>).
/// </summary>
public interface IAuditStore
{
    /// <summary>Appends an entry; its <see cref="AuditEntry.Id"/> is given by the store.</summary>
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Newest first, at most <paramref name="limit"/>, of one action or of all.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(string? action, int limit, CancellationToken cancellationToken);
}
