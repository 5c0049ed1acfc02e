using Npgsql;

namespace Edge.Fleet.Store.Postgres;

/// <summary>
/// The fleet's tables, as numbered migrations applied at start-up and recorded in <c>schema_version</c>. The store
/// knows only its own (the events'); the host collects every feature's into one <see cref="PostgresMigrations"/>
/// (<c>Edge.Fleet.FleetSchema</c>), so that this folder names no feature.
/// Several fleet nodes may start at once against one database: the runner holds a session advisory lock while it
/// reads the applied versions and applies what is missing, so each migration runs exactly once, in its own transaction.
/// Each feature owns its migrations, in its own range of versions: events 1-9 (here), registry, people and audit
/// 10-19, health and presence 20-29, alerts 30-39, queue 40-49, device configuration 50-59, commands 60-69,
/// releases and rollouts 70-79, broker accounts 80-89, reports 90-99,
/// provinces and centres 100-109, federation 120-129. Never edit a migration that has shipped; append a new one.
/// </summary>
public static class PostgresSchema
{
    /// <summary>Key of the advisory lock that serialises migrations (an arbitrary constant, "edge" in ASCII).</summary>
    private const long MigrationLockKey = 0x65646765;

    /// <summary>The events' migrations (versions 1-9).</summary>
    public static IReadOnlyList<PostgresMigration> EventMigrations { get; } =
    [
        new PostgresMigration(1, "events, device sequences, ratings", """
            CREATE TABLE events (
                device_id   text        NOT NULL,
                seq         bigint      NOT NULL,
                kind        text        NOT NULL,
                at          timestamptz NOT NULL,
                uptime_ms   bigint      NOT NULL,
                counter     text,
                level       integer,
                scale       integer,
                suspect     boolean,
                ticket      text,
                field       text,
                subject     text,
                state       text,
                detail      text,
                received_at timestamptz NOT NULL,
                PRIMARY KEY (device_id, seq)
            );

            -- One row per device, locked by every append for that device so that two nodes writing the
            -- same device take turns and up_to always matches the events table.
            CREATE TABLE device_sequences (
                device_id        text        PRIMARY KEY,
                up_to            bigint      NOT NULL DEFAULT 0,
                max_seq          bigint      NOT NULL DEFAULT 0,
                stored           bigint      NOT NULL DEFAULT 0,
                dropped          bigint      NOT NULL DEFAULT 0,
                last_received_at timestamptz NOT NULL
            );

            -- Projection of rating events for statistics; satisfied is decided once, when the rating is stored.
            CREATE TABLE ratings (
                device_id text        NOT NULL,
                seq       bigint      NOT NULL,
                counter   text,
                field     text,
                level     integer     NOT NULL,
                scale     integer     NOT NULL,
                satisfied boolean     NOT NULL,
                suspect   boolean     NOT NULL,
                at        timestamptz NOT NULL,
                PRIMARY KEY (device_id, seq)
            );
            CREATE INDEX ratings_at ON ratings (at);
            CREATE INDEX ratings_counter_at ON ratings (counter, at);
            """),
        new PostgresMigration(2, "ratings placed in time from clock anchors", """
            -- clock: device (the device's time kept), unsynced (no anchor yet), estimated, corrected (see RatingClock).
            ALTER TABLE ratings
                ADD COLUMN run       text,
                ADD COLUMN uptime_ms bigint,
                ADD COLUMN clock     text NOT NULL DEFAULT 'device';
            CREATE INDEX ratings_clock_pending ON ratings (device_id, run) WHERE clock IN ('unsynced', 'estimated');
            """),
        new PostgresMigration(3, "event fingerprints and conflicting duplicates", """
            -- content_hash: EventFingerprint of what the device said; null for events stored before it existed.
            ALTER TABLE events ADD COLUMN content_hash text;

            -- A stored (device, seq) that arrived again with other content; each distinct content once.
            CREATE TABLE event_conflicts (
                device_id   text        NOT NULL,
                seq         bigint      NOT NULL,
                stored_hash text        NOT NULL,
                new_hash    text        NOT NULL,
                detected_at timestamptz NOT NULL,
                PRIMARY KEY (device_id, seq, new_hash)
            );
            """),
    ];

    /// <summary>Applies every migration not yet recorded; returns how many this call applied (0 when up to date).</summary>
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, PostgresMigrations migrations, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_version (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken);

            var recorded = await ReadAppliedAsync(connection, cancellationToken);
            if (recorded.Count > 0 && recorded.Max() > migrations.LatestVersion)
            {
                throw new InvalidOperationException(
                    $"The database schema is at version {recorded.Max()}, newer than this fleet build knows ({migrations.LatestVersion}): upgrade the fleet.");
            }

            var applied = 0;
            foreach (var migration in migrations.All.Where(m => !recorded.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, migration.Sql, cancellationToken);
                await using (var record = new NpgsqlCommand("INSERT INTO schema_version (version, name) VALUES ($1, $2)", connection))
                {
                    record.Parameters.Add(new() { Value = migration.Version });
                    record.Parameters.Add(new() { Value = migration.Name });
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                applied++;
            }

            return applied;
        }
        finally
        {
            // Unlock even when cancelled: the connection goes back to the pool, where a held session lock would linger.
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
        }
    }

    /// <summary>Version recorded in <c>schema_version</c>, 0 for an empty database.</summary>
    public static async Task<int> ReadVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    private static async Task<HashSet<int>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var versions = new HashSet<int>();
        await using var command = new NpgsqlCommand("SELECT version FROM schema_version", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
