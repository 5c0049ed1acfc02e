using Edge.Fleet.Registry;
using Npgsql;

namespace Edge.Fleet.Auth;

/// <summary><see cref="IPeopleStore"/> in the tables <c>fleet_users</c> and <c>access_tokens</c>.</summary>
public sealed class PostgresPeopleStore(NpgsqlDataSource dataSource) : IPeopleStore
{
    internal const string UserColumns = "name, role, centres, password_hash, created_at, email, provinces";
    internal const string TokenColumns = "id, user_name, kind, name, created_at, expires_at";

    /// <summary>Key of the transaction lock that makes "the first user" one decision among nodes ("edgeuser").</summary>
    private const long FirstUserLockKey = 0x65646765_75736572;

    public async Task<bool> AnyUserAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM fleet_users)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<FleetUser?> FindUserAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {UserColumns} FROM fleet_users WHERE name = $1");
        command.Parameters.Add(new() { Value = name.ToLowerInvariant() });
        return await PostgresRows.FirstAsync(command, ReadUser, cancellationToken);
    }

    public async Task<IReadOnlyList<FleetUser>> ListUsersAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {UserColumns} FROM fleet_users ORDER BY name COLLATE \"C\"");
        return await PostgresRows.ListAsync(command, ReadUser, cancellationToken);
    }

    public async Task SaveUserAsync(FleetUser user, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO fleet_users ({UserColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (name) DO UPDATE SET role = excluded.role, centres = excluded.centres,
                password_hash = excluded.password_hash, created_at = excluded.created_at, email = excluded.email,
                provinces = excluded.provinces
            """);
        AddUserValues(command.Parameters, user);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> AddFirstUserAsync(FleetUser user, AccessToken token, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Serialises the nodes deciding at the same time; the lock ends with the transaction.
        await using (var gate = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({FirstUserLockKey})", connection, transaction))
        {
            await gate.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM fleet_users)", connection, transaction))
        {
            if ((bool)(await any.ExecuteScalarAsync(cancellationToken))!)
            {
                return false;
            }
        }

        await using (var insertUser = new NpgsqlCommand($"INSERT INTO fleet_users ({UserColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7)", connection, transaction))
        {
            AddUserValues(insertUser.Parameters, user);
            await insertUser.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var insertToken = new NpgsqlCommand($"INSERT INTO access_tokens ({TokenColumns}) VALUES ($1, $2, $3, $4, $5, $6)", connection, transaction))
        {
            AddTokenValues(insertToken.Parameters, token);
            await insertToken.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task AddTokenAsync(AccessToken token, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"INSERT INTO access_tokens ({TokenColumns}) VALUES ($1, $2, $3, $4, $5, $6)");
        AddTokenValues(command.Parameters, token);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ReplaceTokensOfKindAsync(AccessToken token, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var delete = new NpgsqlBatchCommand("DELETE FROM access_tokens WHERE user_name = $1 AND kind = $2 AND id <> $3");
        delete.Parameters.Add(new() { Value = token.User });
        delete.Parameters.Add(new() { Value = token.Kind });
        delete.Parameters.Add(new() { Value = token.Id });
        var upsert = new NpgsqlBatchCommand($"""
            INSERT INTO access_tokens ({TokenColumns}) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (id) DO UPDATE SET user_name = excluded.user_name, kind = excluded.kind, name = excluded.name,
                expires_at = excluded.expires_at
            """);
        AddTokenValues(upsert.Parameters, token);
        batch.BatchCommands.Add(delete);
        batch.BatchCommands.Add(upsert);
        // One implicit transaction for the whole batch.
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<AccessToken?> FindTokenAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {TokenColumns} FROM access_tokens WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return await PostgresRows.FirstAsync(command, ReadToken, cancellationToken);
    }

    public async Task<bool> DeleteUserAsync(string name, CancellationToken cancellationToken)
    {
        // One statement, so one transaction: the user and their tokens go together.
        await using var command = dataSource.CreateCommand("""
            WITH tokens AS (DELETE FROM access_tokens WHERE user_name = $1)
            DELETE FROM fleet_users WHERE name = $1
            """);
        command.Parameters.Add(new() { Value = name.ToLowerInvariant() });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<bool> DeleteTokenAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM access_tokens WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static FleetUser ReadUser(NpgsqlDataReader r) => new()
    {
        Name = r.GetString(0),
        Role = r.GetString(1),
        Centres = [.. r.GetFieldValue<string[]>(2)],
        PasswordHash = r.IsDBNull(3) ? null : r.GetString(3),
        CreatedAt = r.GetDateTime(4),
        Email = r.IsDBNull(5) ? null : r.GetString(5),
        Provinces = [.. r.GetFieldValue<string[]>(6)],
    };

    private static AccessToken ReadToken(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        User = r.GetString(1),
        Kind = r.GetString(2),
        Name = r.GetString(3),
        CreatedAt = r.GetDateTime(4),
        ExpiresAt = r.IsDBNull(5) ? null : r.GetDateTime(5),
    };

    internal static void AddUserValues(NpgsqlParameterCollection parameters, FleetUser u)
    {
        parameters.Add(new() { Value = u.Name });
        parameters.Add(new() { Value = u.Role });
        parameters.Add(new() { Value = u.Centres.ToArray() });
        parameters.Add(new() { Value = (object?)u.PasswordHash ?? DBNull.Value });
        parameters.Add(new() { Value = PostgresDeviceStore.Utc(u.CreatedAt) });
        parameters.Add(new() { Value = (object?)u.Email ?? DBNull.Value });
        parameters.Add(new() { Value = u.Provinces.ToArray() });
    }

    internal static void AddTokenValues(NpgsqlParameterCollection parameters, AccessToken t)
    {
        parameters.Add(new() { Value = t.Id });
        parameters.Add(new() { Value = t.User });
        parameters.Add(new() { Value = t.Kind });
        parameters.Add(new() { Value = t.Name });
        parameters.Add(new() { Value = PostgresDeviceStore.Utc(t.CreatedAt) });
        parameters.Add(new() { Value = t.ExpiresAt is { } expires ? PostgresDeviceStore.Utc(expires) : DBNull.Value });
    }
}
