using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.Health;

/// <summary>PostgreSQL tables of device health: heartbeats (latest and history), presence and the rating-key catalogue (migration versions 20-29; see <see cref="PostgresSchema"/>).</summary>
public static class HealthSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } =
    [
        new PostgresMigration(20, "heartbeats, device presence, rating keys", """
            -- Every node receives every heartbeat (non-shared subscription): sample_key (the report's run and uptime)
            -- makes the history keep each heartbeat once, whichever node writes it first.
            CREATE TABLE health_history (
                device_id   text        NOT NULL,
                sample_key  text        NOT NULL,
                received_at timestamptz NOT NULL,
                report      jsonb       NOT NULL,
                PRIMARY KEY (device_id, sample_key)
            );
            CREATE INDEX health_history_device_received ON health_history (device_id, received_at DESC);
            CREATE INDEX health_history_received ON health_history (received_at);

            -- The latest heartbeat per device; reported_at and uptime_s order it as HeartbeatBoard does.
            CREATE TABLE health_latest (
                device_id   text        PRIMARY KEY,
                received_at timestamptz NOT NULL,
                reported_at timestamptz NOT NULL,
                uptime_s    bigint      NOT NULL,
                report      jsonb       NOT NULL
            );

            -- Online or offline per device from its status messages, ordered by the connection's session.
            CREATE TABLE device_presence (
                device_id text        PRIMARY KEY,
                online    boolean     NOT NULL,
                session   text        NOT NULL,
                last_seen timestamptz NOT NULL
            );

            -- The rating-key catalogue: counters and fields ratings named, and the counter each device serves.
            CREATE TABLE rating_counters (counter text PRIMARY KEY);
            CREATE TABLE rating_fields (field text PRIMARY KEY);
            CREATE TABLE rating_device_counters (
                device_id text PRIMARY KEY,
                counter   text NOT NULL
            );
            """),
    ];
}
