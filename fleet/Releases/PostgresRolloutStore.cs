using Edge.Wire;
using Npgsql;

namespace Edge.Fleet.Releases;

/// <summary>
/// Rollouts and their devices in PostgreSQL (tables <c>rollouts</c>, <c>rollout_targets</c>), shared by every node and
/// cached nowhere: every call reads the database, so a report stored through one node is what the leader sees at its
/// next round. A target's change is a <c>SELECT ... FOR UPDATE</c> then <c>UPDATE</c> in one transaction; creating a
/// rollout holds a transaction-level advisory lock while it checks that none of its devices is in another active
/// rollout, so two nodes cannot start two rollouts for one device.
/// </summary>
public sealed class PostgresRolloutStore(NpgsqlDataSource dataSource) : IRolloutStore
{
    /// <summary>Serialises the creation of rollouts ("rollouts" in ASCII, another key than leadership and migrations).</summary>
    private const long CreateLockKey = 0x726f6c6c_6f757473;

    private const string TargetColumns = "rollout_id, device_id, stage, state, reason, host_version, offered, offered_at, updated_at, token_hashes";
    private const string RolloutColumns = "id, version, created_at, created_by, status, reason";

    public async Task<IReadOnlyList<Rollout>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {RolloutColumns} FROM rollouts ORDER BY created_at DESC, id");
        return await ReadRolloutsAsync(command, cancellationToken);
    }

    public async Task<Rollout?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {RolloutColumns} FROM rollouts WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return (await ReadRolloutsAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<RolloutTarget>> TargetsAsync(string rolloutId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {TargetColumns} FROM rollout_targets WHERE rollout_id = $1 ORDER BY stage, device_id COLLATE \"C\"");
        command.Parameters.Add(new() { Value = rolloutId });
        return await ReadTargetsAsync(command, cancellationToken);
    }

    public async Task<RolloutTarget?> TargetAsync(string rolloutId, string deviceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {TargetColumns} FROM rollout_targets WHERE rollout_id = $1 AND device_id = $2");
        command.Parameters.Add(new() { Value = rolloutId });
        command.Parameters.Add(new() { Value = deviceId });
        return (await ReadTargetsAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<string?> ActiveRolloutOfAsync(string deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await ActiveRolloutsOfAsync(connection, null, [deviceId], cancellationToken)).FirstOrDefault()?.RolloutId;
    }

    public async Task<BusyDevice?> CreateAsync(Rollout rollout, IReadOnlyList<IReadOnlyList<string>> stages, DateTime now, CancellationToken cancellationToken)
    {
        var devices = stages.SelectMany(s => s).ToArray();
        var stageOf = stages.SelectMany((s, stage) => s.Select(_ => stage)).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({CreateLockKey})", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        if ((await ActiveRolloutsOfAsync(connection, transaction, devices, cancellationToken)).FirstOrDefault() is { } busy)
        {
            return busy;
        }

        await InsertAsync(connection, transaction, rollout, devices, stageOf, devices.Select(_ => new RolloutTarget { UpdatedAt = now }).ToArray(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    public async Task<RolloutTarget?> UpdateAsync(string rolloutId, string deviceId, Func<RolloutTarget, bool> change, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        RolloutTarget? current;
        await using (var select = new NpgsqlCommand($"SELECT {TargetColumns} FROM rollout_targets WHERE rollout_id = $1 AND device_id = $2 FOR UPDATE", connection, transaction))
        {
            select.Parameters.Add(new() { Value = rolloutId });
            select.Parameters.Add(new() { Value = deviceId });
            current = (await ReadTargetsAsync(select, cancellationToken)).FirstOrDefault();
        }

        if (current is null)
        {
            return null;
        }

        var changed = current.Copy();
        if (!change(changed))
        {
            await transaction.RollbackAsync(cancellationToken);
            return current;
        }

        await using (var update = new NpgsqlCommand("""
            UPDATE rollout_targets
            SET state = $3, reason = $4, host_version = $5, offered = $6, offered_at = $7, updated_at = $8, token_hashes = $9
            WHERE rollout_id = $1 AND device_id = $2
            """, connection, transaction))
        {
            update.Parameters.Add(new() { Value = rolloutId });
            update.Parameters.Add(new() { Value = deviceId });
            update.Parameters.Add(new() { Value = changed.State });
            update.Parameters.Add(new() { Value = (object?)changed.Reason ?? DBNull.Value });
            update.Parameters.Add(new() { Value = (object?)changed.HostVersion ?? DBNull.Value });
            update.Parameters.Add(new() { Value = changed.Offered });
            update.Parameters.Add(new() { Value = changed.OfferedAt is { } offeredAt ? (object)Utc(offeredAt) : DBNull.Value });
            update.Parameters.Add(new() { Value = Utc(changed.UpdatedAt) });
            update.Parameters.Add(new() { Value = changed.TokenHashes.ToArray() });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    public async Task<bool> EndAsync(string rolloutId, string status, string? reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE rollouts SET status = $2, reason = $3 WHERE id = $1 AND status = $4");
        command.Parameters.Add(new() { Value = rolloutId });
        command.Parameters.Add(new() { Value = status });
        command.Parameters.Add(new() { Value = (object?)reason ?? DBNull.Value });
        command.Parameters.Add(new() { Value = RolloutStates.Active });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<RolloutTarget>> StaleOffersAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {string.Join(", ", TargetColumns.Split(", ").Select(c => "t." + c))}, r.status
            FROM rollout_targets t JOIN rollouts r ON r.id = t.rollout_id
            WHERE t.offered
            ORDER BY t.rollout_id, t.device_id COLLATE "C"
            """);
        var stale = new List<RolloutTarget>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var target = ReadTarget(reader);
            if (UpdateStates.IsFinal(target.State) || reader.GetString(10) != RolloutStates.Active)
            {
                stale.Add(target);
            }
        }

        return stale;
    }

    /// <summary>Stores a rollout and its targets as they are, skipping what is there already (for the copier); returns the rows written.</summary>
    internal async Task<long> ImportAsync(Rollout rollout, IReadOnlyList<RolloutTarget> targets, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await InsertAsync(connection, transaction, rollout,
            targets.Select(t => t.DeviceId).ToArray(), targets.Select(t => t.Stage).ToArray(), targets.ToArray(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    private static async Task<long> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Rollout rollout, string[] devices, int[] stages, RolloutTarget[] states, CancellationToken cancellationToken)
    {
        long written;
        await using (var insert = new NpgsqlCommand($"INSERT INTO rollouts ({RolloutColumns}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING", connection, transaction))
        {
            insert.Parameters.Add(new() { Value = rollout.Id });
            insert.Parameters.Add(new() { Value = rollout.Version });
            insert.Parameters.Add(new() { Value = Utc(rollout.CreatedAt) });
            insert.Parameters.Add(new() { Value = rollout.CreatedBy });
            insert.Parameters.Add(new() { Value = rollout.Status });
            insert.Parameters.Add(new() { Value = (object?)rollout.Reason ?? DBNull.Value });
            written = await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // One statement per target, all in one round trip; a rollout has at most a fleet's devices.
        await using var batch = new NpgsqlBatch(connection, transaction);
        for (var i = 0; i < devices.Length; i++)
        {
            var target = states[i];
            var command = new NpgsqlBatchCommand($"""
                INSERT INTO rollout_targets ({TargetColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                ON CONFLICT (rollout_id, device_id) DO NOTHING
                """);
            command.Parameters.Add(new() { Value = rollout.Id });
            command.Parameters.Add(new() { Value = devices[i] });
            command.Parameters.Add(new() { Value = stages[i] });
            command.Parameters.Add(new() { Value = target.State });
            command.Parameters.Add(new() { Value = (object?)target.Reason ?? DBNull.Value });
            command.Parameters.Add(new() { Value = (object?)target.HostVersion ?? DBNull.Value });
            command.Parameters.Add(new() { Value = target.Offered });
            command.Parameters.Add(new() { Value = target.OfferedAt is { } offeredAt ? (object)Utc(offeredAt) : DBNull.Value });
            command.Parameters.Add(new() { Value = Utc(target.UpdatedAt) });
            command.Parameters.Add(new() { Value = target.TokenHashes.ToArray() });
            batch.BatchCommands.Add(command);
        }

        return written + (devices.Length == 0 ? 0 : await batch.ExecuteNonQueryAsync(cancellationToken));
    }

    private static async Task<IReadOnlyList<BusyDevice>> ActiveRolloutsOfAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string[] devices, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT t.device_id, t.rollout_id, t.state
            FROM rollout_targets t JOIN rollouts r ON r.id = t.rollout_id
            WHERE r.status = $2 AND t.device_id = ANY($1)
            ORDER BY r.created_at, t.device_id COLLATE "C"
            """, connection, transaction);
        command.Parameters.Add(new() { Value = devices });
        command.Parameters.Add(new() { Value = RolloutStates.Active });
        var busy = new List<BusyDevice>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!UpdateStates.IsFinal(reader.GetString(2)))
            {
                busy.Add(new BusyDevice(reader.GetString(0), reader.GetString(1)));
            }
        }

        return busy;
    }

    private static async Task<IReadOnlyList<Rollout>> ReadRolloutsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<Rollout>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new Rollout
            {
                Id = reader.GetString(0),
                Version = reader.GetString(1),
                CreatedAt = reader.GetFieldValue<DateTime>(2),
                CreatedBy = reader.GetString(3),
                Status = reader.GetString(4),
                Reason = reader.IsDBNull(5) ? null : reader.GetString(5),
            });
        }

        return list;
    }

    private static async Task<IReadOnlyList<RolloutTarget>> ReadTargetsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<RolloutTarget>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadTarget(reader));
        }

        return list;
    }

    private static RolloutTarget ReadTarget(NpgsqlDataReader reader)
    {
        var rolloutId = reader.GetString(0);
        var deviceId = reader.GetString(1);
        return new RolloutTarget
        {
            Key = RolloutTarget.KeyOf(rolloutId, deviceId),
            RolloutId = rolloutId,
            DeviceId = deviceId,
            Stage = reader.GetInt32(2),
            State = reader.GetString(3),
            Reason = reader.IsDBNull(4) ? null : reader.GetString(4),
            HostVersion = reader.IsDBNull(5) ? null : reader.GetString(5),
            Offered = reader.GetBoolean(6),
            OfferedAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTime>(7),
            UpdatedAt = reader.GetFieldValue<DateTime>(8),
            TokenHashes = [.. reader.GetFieldValue<string[]>(9)],
        };
    }

    private static DateTime Utc(DateTime t) => t.Kind switch
    {
        DateTimeKind.Utc => t,
        DateTimeKind.Local => t.ToUniversalTime(),
        _ => DateTime.SpecifyKind(t, DateTimeKind.Utc),
    };
}
