using Npgsql;

namespace Edge.Fleet.Registry;

/// <summary>Reading rows of the registry's PostgreSQL stores.</summary>
internal static class PostgresRows
{
    /// <summary>Every row <paramref name="command"/> returns, each made by <paramref name="read"/>.</summary>
    public static async Task<IReadOnlyList<T>> ListAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>The first row <paramref name="command"/> returns, made by <paramref name="read"/>; null when none.</summary>
    public static async Task<T?> FirstAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? read(reader) : null;
    }
}
