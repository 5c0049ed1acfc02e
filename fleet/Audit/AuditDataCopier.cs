using Edge.Fleet.Registry;
using Npgsql;

namespace Edge.Fleet.Audit;

/// <summary>
/// <c>move-to-postgres</c>: the audit log of an embedded fleet's <c>registry.db</c>. Entries keep their ids, and the
/// identity then moves past them, so that an entry appended after the move does not take a copied id.
/// </summary>
public sealed class AuditDataCopier : RegistryFileCopier
{
    public override string What => "audit";

    public override int Order => 15;

    protected override string[] Tables => ["audit_log"];

    protected override async Task<long> CopyAsync(RegistryFile db, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var copied = await CopyRowsAsync(connection, db.Collection<AuditEntry>(LiteAuditStore.Collection),
            $"INSERT INTO audit_log (id, {PostgresAuditStore.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
            (parameters, entry) =>
            {
                parameters.Add(new() { Value = entry.Id });
                PostgresAuditStore.AddValues(parameters, entry);
            }, cancellationToken);

        await using var identity = new NpgsqlCommand(
            "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM audit_log), false)", connection);
        await identity.ExecuteNonQueryAsync(cancellationToken);
        return copied;
    }
}
