using Edge.Fleet.Store.Moving;
using Npgsql;
using NpgsqlTypes;
using Edge.Fleet.Store;

namespace Edge.Fleet.CentreLan;

/// <summary>
/// Copies an embedded fleet's <c>centre-lan.db</c> (the centres' keys, the devices' LAN addresses) into PostgreSQL for
/// <c>move-to-postgres</c>, in one transaction, so the devices keep their centre's key across the move (they would
/// otherwise get a new one at their next connection, and a device cut off then could not talk to the others). Each key
/// keeps its version, previous key, time and author. A centre or device already in the target is left as it is
/// (<c>ON CONFLICT DO NOTHING</c>): a second run writes nothing.
/// </summary>
public sealed class CentreLanDataCopier : IEmbeddedDataCopier
{
    public string What => "centre keys, devices' LAN addresses";

    /// <summary>After the registry (10): the keys belong to its centres.</summary>
    public int Order => 11;

    public Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken) =>
        CopiedRows.CountAsync(target, cancellationToken, "centre_keys", "lan_addresses");

    public async Task<long> CopyAsync(FleetOptions source, NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        var path = source.FileIn(LiteCentreLanStore.FileName);
        if (!File.Exists(path))
        {
            return 0;
        }

        IReadOnlyList<CentreKey> keys;
        IReadOnlyList<LanAddress> addresses;
        using (var store = new LiteCentreLanStore(path))
        {
            keys = store.AllKeys();
            addresses = store.AllAddresses();
        }

        await using var connection = await target.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await CopiedRows.InsertAsync(connection, transaction, keys, KeyInsert, cancellationToken)
                      + await CopiedRows.InsertAsync(connection, transaction, addresses, AddressInsert, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    private static NpgsqlBatchCommand KeyInsert(CentreKey key)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO centre_keys (centre, key, previous, version, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (centre) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = key.Centre });
        command.Parameters.Add(new NpgsqlParameter { Value = key.Key });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)key.Previous ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = key.Version });
        command.Parameters.Add(new NpgsqlParameter { Value = Utc(key.CreatedAt) });
        command.Parameters.Add(new NpgsqlParameter { Value = key.CreatedBy });
        return command;
    }

    private static NpgsqlBatchCommand AddressInsert(LanAddress address)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO lan_addresses (device_id, address, reported_at) VALUES ($1, $2, $3)
            ON CONFLICT (device_id) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = address.DeviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = address.Address });
        command.Parameters.Add(new NpgsqlParameter { Value = Utc(address.ReportedAt) });
        return command;
    }

    private static DateTime Utc(DateTime at) => DeviceConfig.PostgresTime.Utc(at);
}
