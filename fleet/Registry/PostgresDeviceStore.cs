using Edge.Fleet.Broker;
using Npgsql;

namespace Edge.Fleet.Registry;

/// <summary><see cref="IDeviceStore"/> in the table <c>registry_devices</c> (see <see cref="RegistrySchema"/>).</summary>
public sealed class PostgresDeviceStore(NpgsqlDataSource dataSource) : IDeviceStore
{
    /// <summary>The columns <see cref="Read"/> expects, in its order.</summary>
    internal const string Columns = "id, centre, counter, role, status, replaced_by, secret_hash, created_at, last_seen_at, retired_at";

    public async Task<IReadOnlyList<RegisteredDevice>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM registry_devices ORDER BY id COLLATE \"C\"");
        return await PostgresRows.ListAsync(command, Read, cancellationToken);
    }

    public async Task<RegisteredDevice?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM registry_devices WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return await ReadOneAsync(command, cancellationToken);
    }

    public async Task<RegisteredDevice?> RetireAsync(string id, DateTime at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE registry_devices SET status = '{DeviceStates.Retired}', retired_at = coalesce(retired_at, $2)
            WHERE id = $1 RETURNING {Columns}
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = Utc(at) });
        return await ReadOneAsync(command, cancellationToken);
    }

    public async Task RecordSeenAsync(IReadOnlyDictionary<string, DateTime> seen, CancellationToken cancellationToken)
    {
        if (seen.Count == 0)
        {
            return;
        }

        // One statement for the whole batch, whatever its size (a reconnect storm of thousands of devices).
        await using var command = dataSource.CreateCommand("""
            UPDATE registry_devices d SET last_seen_at = s.at
            FROM unnest($1::text[], $2::timestamptz[]) AS s(id, at)
            WHERE d.id = s.id AND (d.last_seen_at IS NULL OR d.last_seen_at < s.at)
            """);
        command.Parameters.Add(new() { Value = seen.Keys.ToArray() });
        command.Parameters.Add(new() { Value = seen.Values.Select(Utc).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static Task<RegisteredDevice?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken) =>
        PostgresRows.FirstAsync(command, Read, cancellationToken);

    /// <summary>A device from a row of <see cref="Columns"/>.</summary>
    internal static RegisteredDevice Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Centre = reader.GetString(1),
        Counter = reader.GetString(2),
        Role = reader.GetString(3),
        Status = reader.GetString(4),
        ReplacedBy = reader.IsDBNull(5) ? null : reader.GetString(5),
        SecretHash = reader.GetString(6),
        CreatedAt = reader.GetDateTime(7),
        LastSeenAt = reader.IsDBNull(8) ? null : reader.GetDateTime(8),
        RetiredAt = reader.IsDBNull(9) ? null : reader.GetDateTime(9),
    };

    /// <summary>Adds the parameters of an <c>INSERT</c> of every column of <see cref="Columns"/>, in its order.</summary>
    internal static void AddValues(NpgsqlParameterCollection parameters, RegisteredDevice d)
    {
        parameters.Add(new() { Value = d.Id });
        parameters.Add(new() { Value = d.Centre });
        parameters.Add(new() { Value = d.Counter });
        parameters.Add(new() { Value = d.Role });
        parameters.Add(new() { Value = d.Status });
        parameters.Add(new() { Value = (object?)d.ReplacedBy ?? DBNull.Value });
        parameters.Add(new() { Value = d.SecretHash });
        parameters.Add(new() { Value = Utc(d.CreatedAt) });
        parameters.Add(new() { Value = d.LastSeenAt is { } seen ? Utc(seen) : DBNull.Value });
        parameters.Add(new() { Value = d.RetiredAt is { } retired ? Utc(retired) : DBNull.Value });
    }

    /// <summary>timestamptz takes UTC only; LiteDB gives UTC (UtcDate), tests may give unspecified.</summary>
    internal static DateTime Utc(DateTime t) => t.Kind switch
    {
        DateTimeKind.Utc => t,
        DateTimeKind.Local => t.ToUniversalTime(),
        _ => DateTime.SpecifyKind(t, DateTimeKind.Utc),
    };
}
