using Npgsql;

namespace Edge.Fleet.Store.Moving;

/// <summary>What the copiers share: counting what a target already holds, and inserting rows in batches of statements.</summary>
public static class CopiedRows
{
    /// <summary>Statements per round trip.</summary>
    public const int PerBatch = 500;

    /// <summary>Rows in all of <paramref name="tables"/> together.</summary>
    public static async Task<long> CountAsync(NpgsqlDataSource target, CancellationToken cancellationToken, params string[] tables)
    {
        await using var command = target.CreateCommand("SELECT " + string.Join(" + ", tables.Select(t => $"(SELECT count(*) FROM {t})")));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>
    /// Runs one insert per row (each made by <paramref name="insert"/>, normally <c>... ON CONFLICT DO NOTHING</c> so a
    /// second run writes nothing), <see cref="PerBatch"/> to a round trip, in <paramref name="transaction"/>; returns the
    /// rows written.
    /// </summary>
    public static async Task<long> InsertAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<T> rows, Func<T, NpgsqlBatchCommand> insert, CancellationToken cancellationToken)
    {
        long written = 0;
        foreach (var chunk in rows.Chunk(PerBatch))
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var row in chunk)
            {
                batch.BatchCommands.Add(insert(row));
            }

            written += await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        return written;
    }
}
