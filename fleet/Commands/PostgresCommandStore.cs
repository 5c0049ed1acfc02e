using Edge.Fleet.DeviceConfig;
using Edge.Wire;
using Npgsql;
using NpgsqlTypes;

namespace Edge.Fleet.Commands;

/// <summary>
/// <see cref="ICommandStore"/> on PostgreSQL (table <c>commands</c> of <see cref="CommandSchema"/>), shared by every node.
/// <see cref="UpdateAsync"/> reads the row <c>FOR UPDATE</c> and writes it back in one transaction, so a result and a
/// sweep (or the same result received by two nodes) never both apply; <see cref="ClaimDeliveryAsync"/> is one
/// conditional <c>UPDATE</c>, so of nodes that see a device come back at once, one sends its pending commands. No cache.
/// </summary>
public sealed class PostgresCommandStore(NpgsqlDataSource dataSource) : ICommandStore
{
    internal const string Columns =
        "id, device_id, kind, state, detail, issued_at, expires_at, timeout_seconds, issued_by, started_at, finished_at, last_sent_at";

    private static readonly string[] OpenStates = [CommandStates.Pending, CommandOutcomes.Running];

    public async Task AddAsync(CommandRecord command, CancellationToken cancellationToken)
    {
        await using var insert = dataSource.CreateCommand($"INSERT INTO commands ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
        AddRow(insert.Parameters, command);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<CommandRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var query = dataSource.CreateCommand($"SELECT {Columns} FROM commands WHERE id = $1");
        query.Parameters.Add(new() { Value = id });
        return (await ReadAsync(query, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<CommandRecord>> OfDeviceAsync(string deviceId, int limit, CancellationToken cancellationToken)
    {
        await using var query = dataSource.CreateCommand($"SELECT {Columns} FROM commands WHERE device_id = $1 ORDER BY issued_at DESC, id LIMIT $2");
        query.Parameters.Add(new() { Value = deviceId });
        query.Parameters.Add(new() { Value = limit });
        return await ReadAsync(query, cancellationToken);
    }

    public async Task<IReadOnlyList<CommandRecord>> OpenAsync(string? deviceId, CancellationToken cancellationToken)
    {
        await using var query = dataSource.CreateCommand(
            $"SELECT {Columns} FROM commands WHERE state = ANY($1) AND ($2::text IS NULL OR device_id = $2) ORDER BY issued_at, id");
        query.Parameters.Add(new() { Value = OpenStates });
        query.Parameters.Add(new() { Value = (object?)deviceId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return await ReadAsync(query, cancellationToken);
    }

    public async Task<CommandRecord?> UpdateAsync(string id, Func<CommandRecord, bool> change, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        CommandRecord? command;
        await using (var query = new NpgsqlCommand($"SELECT {Columns} FROM commands WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            query.Parameters.Add(new() { Value = id });
            command = (await ReadAsync(query, cancellationToken)).SingleOrDefault();
        }

        if (command is null || !change(command))
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }

        await using (var update = new NpgsqlCommand(
            "UPDATE commands SET state = $2, detail = $3, started_at = $4, finished_at = $5 WHERE id = $1", connection, transaction))
        {
            update.Parameters.Add(new() { Value = id });
            update.Parameters.Add(new() { Value = command.State });
            update.Parameters.Add(new() { Value = (object?)command.Detail ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            update.Parameters.Add(new() { Value = PostgresTime.Utc(command.StartedAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            update.Parameters.Add(new() { Value = PostgresTime.Utc(command.FinishedAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return command;
    }

    public async Task<CommandRecord?> ClaimDeliveryAsync(string id, DateTime now, TimeSpan quiet, CancellationToken cancellationToken)
    {
        // The same rule as CommandDelivery.MayClaim, evaluated on the row under its lock.
        await using var claim = dataSource.CreateCommand($"""
            UPDATE commands SET last_sent_at = $2
            WHERE id = $1 AND state = '{CommandStates.Pending}' AND expires_at > $2 AND (last_sent_at IS NULL OR last_sent_at <= $3)
            RETURNING {Columns}
            """);
        claim.Parameters.Add(new() { Value = id });
        claim.Parameters.Add(new() { Value = PostgresTime.Utc(now) });
        claim.Parameters.Add(new() { Value = PostgresTime.Utc(now - quiet) });
        return (await ReadAsync(claim, cancellationToken)).SingleOrDefault();
    }

    /// <summary>The parameters $1-$12 of a row, in <see cref="Columns"/> order.</summary>
    internal static void AddRow(NpgsqlParameterCollection parameters, CommandRecord c)
    {
        parameters.Add(new() { Value = c.Id });
        parameters.Add(new() { Value = c.DeviceId });
        parameters.Add(new() { Value = c.Kind });
        parameters.Add(new() { Value = c.State });
        parameters.Add(new() { Value = (object?)c.Detail ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        parameters.Add(new() { Value = PostgresTime.Utc(c.IssuedAt) });
        parameters.Add(new() { Value = PostgresTime.Utc(c.ExpiresAt) });
        parameters.Add(new() { Value = c.TimeoutSeconds });
        parameters.Add(new() { Value = c.IssuedBy });
        parameters.Add(new() { Value = PostgresTime.Utc(c.StartedAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        parameters.Add(new() { Value = PostgresTime.Utc(c.FinishedAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        parameters.Add(new() { Value = PostgresTime.Utc(c.LastSentAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
    }

    private static async Task<IReadOnlyList<CommandRecord>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<CommandRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new CommandRecord
            {
                Id = reader.GetString(0),
                DeviceId = reader.GetString(1),
                Kind = reader.GetString(2),
                State = reader.GetString(3),
                Detail = reader.IsDBNull(4) ? null : reader.GetString(4),
                IssuedAt = reader.GetDateTime(5),
                ExpiresAt = reader.GetDateTime(6),
                TimeoutSeconds = reader.GetInt32(7),
                IssuedBy = reader.GetString(8),
                StartedAt = reader.IsDBNull(9) ? null : reader.GetDateTime(9),
                FinishedAt = reader.IsDBNull(10) ? null : reader.GetDateTime(10),
                LastSentAt = reader.IsDBNull(11) ? null : reader.GetDateTime(11),
            });
        }

        return list;
    }
}
