using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Npgsql;

namespace Edge.Fleet.Provisioning;

/// <summary>
/// <see cref="IEnrolmentStore"/> in the tables <c>enrolments</c> and <c>registry_devices</c>. A redemption locks the
/// enrolment's row (<c>FOR UPDATE</c>) for its transaction: a second node redeeming the same code waits, then reads
/// the row as the first one committed it, and finds it used.
/// </summary>
public sealed class PostgresEnrolmentStore(NpgsqlDataSource dataSource) : IEnrolmentStore
{
    internal const string Columns = "id, centre, counter, role, device_id, replaces, created_by, created_at, expires_at, used_at, used_by";

    public async Task AddAsync(Enrolment e, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"INSERT INTO enrolments ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
        AddValues(command.Parameters, e);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Enrolment>> ListOpenAsync(DateTime now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM enrolments WHERE used_at IS NULL AND expires_at > $1 ORDER BY created_at DESC");
        command.Parameters.Add(new() { Value = PostgresDeviceStore.Utc(now) });
        return await PostgresRows.ListAsync(command, Read, cancellationToken);
    }

    public async Task<Redemption> RedeemAsync(string key, DateTime now, string secretHash, Func<string, string> newDeviceId, CancellationToken cancellationToken)
    {
        now = PostgresDeviceStore.Utc(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Enrolment? enrolment;
        await using (var select = new NpgsqlCommand($"SELECT {Columns} FROM enrolments WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            select.Parameters.Add(new() { Value = key });
            enrolment = await PostgresRows.FirstAsync(select, Read, cancellationToken);
        }

        if (Enrolment.RefusalAt(enrolment, now) is { } refused)
        {
            return Redemption.Refused(refused);
        }

        var device = enrolment!.NewDevice(newDeviceId, secretHash, now);
        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO registry_devices ({PostgresDeviceStore.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING",
            connection, transaction))
        {
            PostgresDeviceStore.AddValues(insert.Parameters, device);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return Redemption.Refused(RedeemRefusal.DeviceIdTaken);
            }
        }

        RegisteredDevice? replaced = null;
        if (enrolment.Replaces is not null)
        {
            await using var replace = new NpgsqlCommand($"""
                UPDATE registry_devices SET status = '{DeviceStates.ReplacedBy}', replaced_by = $2
                WHERE id = $1 AND status <> '{DeviceStates.Retired}' RETURNING {PostgresDeviceStore.Columns}
                """, connection, transaction);
            replace.Parameters.Add(new() { Value = enrolment.Replaces });
            replace.Parameters.Add(new() { Value = device.Id });
            replaced = await PostgresDeviceStore.ReadOneAsync(replace, cancellationToken);
        }

        await using (var use = new NpgsqlCommand("UPDATE enrolments SET used_at = $2, used_by = $3 WHERE id = $1", connection, transaction))
        {
            use.Parameters.Add(new() { Value = key });
            use.Parameters.Add(new() { Value = now });
            use.Parameters.Add(new() { Value = device.Id });
            await use.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new Redemption(device, replaced, null);
    }

    public async Task UndoAsync(string key, Redemption redemption, CancellationToken cancellationToken)
    {
        if (redemption.Device is not { } device)
        {
            return;
        }

        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command("DELETE FROM registry_devices WHERE id = $1", device.Id));
        if (redemption.Replaced is { } replaced)
        {
            batch.BatchCommands.Add(Command($"""
                UPDATE registry_devices SET status = '{DeviceStates.Active}', replaced_by = NULL
                WHERE id = $1 AND status = '{DeviceStates.ReplacedBy}' AND replaced_by = $2
                """, replaced.Id, device.Id));
        }

        batch.BatchCommands.Add(Command("UPDATE enrolments SET used_at = NULL, used_by = NULL WHERE id = $1 AND used_by = $2", key, device.Id));
        // A batch without an explicit transaction runs as one implicit transaction.
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }

        return command;
    }

    internal static Enrolment Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        Centre = r.GetString(1),
        Counter = r.GetString(2),
        Role = r.GetString(3),
        DeviceId = r.IsDBNull(4) ? null : r.GetString(4),
        Replaces = r.IsDBNull(5) ? null : r.GetString(5),
        CreatedBy = r.GetString(6),
        CreatedAt = r.GetDateTime(7),
        ExpiresAt = r.GetDateTime(8),
        UsedAt = r.IsDBNull(9) ? null : r.GetDateTime(9),
        UsedBy = r.IsDBNull(10) ? null : r.GetString(10),
    };

    /// <summary>Parameters $1-$11 in the order of the columns.</summary>
    internal static void AddValues(NpgsqlParameterCollection parameters, Enrolment e)
    {
        parameters.Add(new() { Value = e.Id });
        parameters.Add(new() { Value = e.Centre });
        parameters.Add(new() { Value = e.Counter });
        parameters.Add(new() { Value = e.Role });
        parameters.Add(new() { Value = (object?)e.DeviceId ?? DBNull.Value });
        parameters.Add(new() { Value = (object?)e.Replaces ?? DBNull.Value });
        parameters.Add(new() { Value = e.CreatedBy });
        parameters.Add(new() { Value = PostgresDeviceStore.Utc(e.CreatedAt) });
        parameters.Add(new() { Value = PostgresDeviceStore.Utc(e.ExpiresAt) });
        parameters.Add(new() { Value = e.UsedAt is { } used ? PostgresDeviceStore.Utc(used) : DBNull.Value });
        parameters.Add(new() { Value = (object?)e.UsedBy ?? DBNull.Value });
    }
}
