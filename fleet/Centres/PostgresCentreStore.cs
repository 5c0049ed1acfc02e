using Npgsql;
using NpgsqlTypes;

namespace Edge.Fleet.Centres;

/// <summary><see cref="ICentreStore"/> on PostgreSQL (table <c>centres</c>); a save of many centres is one transaction.</summary>
public sealed class PostgresCentreStore(NpgsqlDataSource dataSource) : ICentreStore
{
    internal const string Columns = "id, name, province, address, opening_hours, time_zone, public_board, updated_at, updated_by";

    internal const string Upsert = $"""
        INSERT INTO centres ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, province = excluded.province, address = excluded.address,
            opening_hours = excluded.opening_hours, time_zone = excluded.time_zone, public_board = excluded.public_board,
            updated_at = excluded.updated_at, updated_by = excluded.updated_by
        """;

    public async Task<IReadOnlyList<Centre>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM centres ORDER BY id COLLATE \"C\"");
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<Centre?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM centres WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task SaveAsync(IReadOnlyList<Centre> centres, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var chunk in centres.Chunk(500))
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var centre in chunk)
            {
                var command = new NpgsqlBatchCommand(Upsert);
                AddValues(command.Parameters, centre);
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM centres WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>The values of <see cref="Columns"/>, in order, for an insert (also the copier's).</summary>
    internal static void AddValues(NpgsqlParameterCollection parameters, Centre centre)
    {
        parameters.Add(new NpgsqlParameter { Value = centre.Id });
        parameters.Add(new NpgsqlParameter { Value = centre.Name });
        parameters.Add(new NpgsqlParameter { Value = centre.Province });
        parameters.Add(new NpgsqlParameter { Value = centre.Address });
        parameters.Add(new NpgsqlParameter { Value = (object?)centre.OpeningHours ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter { Value = (object?)centre.TimeZone ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter { Value = centre.PublicBoard });
        parameters.Add(new NpgsqlParameter { Value = DateTime.SpecifyKind(centre.UpdatedAt.ToUniversalTime(), DateTimeKind.Utc) });
        parameters.Add(new NpgsqlParameter { Value = centre.UpdatedBy });
    }

    private static async Task<IReadOnlyList<Centre>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<Centre>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new Centre
            {
                Id = reader.GetString(0),
                Name = reader.GetString(1),
                Province = reader.GetString(2),
                Address = reader.GetString(3),
                OpeningHours = reader.IsDBNull(4) ? null : reader.GetString(4),
                TimeZone = reader.IsDBNull(5) ? null : reader.GetString(5),
                PublicBoard = reader.GetBoolean(6),
                UpdatedAt = DateTime.SpecifyKind(reader.GetFieldValue<DateTime>(7), DateTimeKind.Utc),
                UpdatedBy = reader.GetString(8),
            });
        }

        return rows;
    }
}
