using Edge.Fleet.Registry;
using Npgsql;

namespace Edge.Fleet.Audit;

/// <summary><see cref="IAuditStore"/> in the table <c>audit_log</c> (ids from its identity column).</summary>
public sealed class PostgresAuditStore(NpgsqlDataSource dataSource) : IAuditStore
{
    internal const string Columns = "at, actor, action, subject, success, detail, address";

    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"INSERT INTO audit_log ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
        AddValues(command.Parameters, entry);
        entry.Id = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string? action, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT id, {Columns} FROM audit_log WHERE $1::text IS NULL OR action = $1 ORDER BY id DESC LIMIT $2");
        command.Parameters.Add(new() { Value = (object?)action ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = limit });
        return await PostgresRows.ListAsync(command, reader => new AuditEntry
        {
            Id = reader.GetInt64(0),
            At = reader.GetDateTime(1),
            Actor = reader.GetString(2),
            Action = reader.GetString(3),
            Subject = reader.IsDBNull(4) ? null : reader.GetString(4),
            Success = reader.GetBoolean(5),
            Detail = reader.IsDBNull(6) ? null : reader.GetString(6),
            Address = reader.IsDBNull(7) ? null : reader.GetString(7),
        }, cancellationToken);
    }

    /// <summary>Parameters in the order of <see cref="Columns"/>.</summary>
    internal static void AddValues(NpgsqlParameterCollection parameters, AuditEntry e)
    {
        parameters.Add(new() { Value = PostgresDeviceStore.Utc(e.At) });
        parameters.Add(new() { Value = e.Actor });
        parameters.Add(new() { Value = e.Action });
        parameters.Add(new() { Value = (object?)e.Subject ?? DBNull.Value });
        parameters.Add(new() { Value = e.Success });
        parameters.Add(new() { Value = (object?)e.Detail ?? DBNull.Value });
        parameters.Add(new() { Value = (object?)e.Address ?? DBNull.Value });
    }
}
