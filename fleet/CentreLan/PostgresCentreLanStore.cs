using Npgsql;
using NpgsqlTypes;

namespace Edge.Fleet.CentreLan;

/// <summary>
/// <see cref="ICentreLanStore"/> on PostgreSQL (<see cref="CentreLanSchema"/>), shared by every node, no cache. The first
/// key is inserted with <c>ON CONFLICT DO NOTHING</c> and read back, so two nodes creating it at once agree; a rotation
/// locks the centre's row (<c>FOR UPDATE</c>), so two rotations at once make two versions, one after the other.
/// </summary>
public sealed class PostgresCentreLanStore(NpgsqlDataSource dataSource) : ICentreLanStore
{
    private const string KeyColumns = "centre, key, previous, version, created_at, created_by";

    public async Task<CentreKey> KeyOfAsync(string centre, DateTime now, CancellationToken cancellationToken)
    {
        var first = CentreKey.First(centre, now);
        await using var insert = dataSource.CreateCommand($"""
            INSERT INTO centre_keys ({KeyColumns}) VALUES ($1, $2, NULL, 1, $3, $4) ON CONFLICT (centre) DO NOTHING
            """);
        insert.Parameters.Add(new() { Value = centre });
        insert.Parameters.Add(new() { Value = first.Key });
        insert.Parameters.Add(new() { Value = Utc(now) });
        insert.Parameters.Add(new() { Value = first.CreatedBy });
        await insert.ExecuteNonQueryAsync(cancellationToken);
        await using var select = dataSource.CreateCommand($"SELECT {KeyColumns} FROM centre_keys WHERE centre = $1");
        select.Parameters.Add(new() { Value = centre });
        return (await ReadKeyAsync(select, cancellationToken))!;
    }

    public async Task<CentreKey> RotateAsync(string centre, DateTime now, string actor, CancellationToken cancellationToken)
    {
        await KeyOfAsync(centre, now, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var select = new NpgsqlCommand($"SELECT {KeyColumns} FROM centre_keys WHERE centre = $1 FOR UPDATE", connection, transaction);
        select.Parameters.Add(new() { Value = centre });
        var next = (await ReadKeyAsync(select, cancellationToken))!.Rotated(now, actor);
        await using var update = new NpgsqlCommand(
            "UPDATE centre_keys SET key = $2, previous = $3, version = $4, created_at = $5, created_by = $6 WHERE centre = $1", connection, transaction);
        update.Parameters.Add(new() { Value = centre });
        update.Parameters.Add(new() { Value = next.Key });
        update.Parameters.Add(new() { Value = (object?)next.Previous ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        update.Parameters.Add(new() { Value = next.Version });
        update.Parameters.Add(new() { Value = Utc(now) });
        update.Parameters.Add(new() { Value = actor });
        await update.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return next;
    }

    public async Task<IReadOnlySet<string>> SetAddressesAsync(IReadOnlyCollection<LanAddressReport> reports, DateTime now, CancellationToken cancellationToken)
    {
        var last = LanAddressReport.LastOfEach(reports);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        if (last.Count == 0)
        {
            return changed;
        }

        // One statement: an empty address deletes the row; another changes it only when new or different. What it
        // returns are the devices the centre must be told of.
        await using var command = dataSource.CreateCommand("""
            WITH reported AS (SELECT * FROM unnest($1::text[], $2::text[]) AS r(device_id, address)),
            deleted AS (
                DELETE FROM lan_addresses l USING reported r WHERE l.device_id = r.device_id AND r.address = ''
                RETURNING l.device_id),
            upserted AS (
                INSERT INTO lan_addresses (device_id, address, reported_at)
                SELECT device_id, address, $3 FROM reported WHERE address <> ''
                ON CONFLICT (device_id) DO UPDATE SET address = excluded.address, reported_at = excluded.reported_at
                WHERE lan_addresses.address <> excluded.address
                RETURNING device_id)
            SELECT device_id FROM deleted UNION ALL SELECT device_id FROM upserted
            """);
        command.Parameters.Add(new() { Value = last.Select(r => r.DeviceId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = last.Select(r => r.Address!).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = Utc(now) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            changed.Add(reader.GetString(0));
        }

        return changed;
    }

    public async Task<IReadOnlyDictionary<string, string>> AddressesAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT device_id, address FROM lan_addresses WHERE device_id = ANY($1)");
        command.Parameters.Add(new() { Value = deviceIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[reader.GetString(0)] = reader.GetString(1);
        }

        return found;
    }

    private static async Task<CentreKey?> ReadKeyAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new CentreKey
        {
            Centre = reader.GetString(0),
            Key = reader.GetString(1),
            Previous = reader.IsDBNull(2) ? null : reader.GetString(2),
            Version = reader.GetInt64(3),
            CreatedAt = DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc),
            CreatedBy = reader.GetString(5),
        };
    }

    private static DateTime Utc(DateTime at) => DeviceConfig.PostgresTime.Utc(at);
}
