using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.Commands;

/// <summary>PostgreSQL tables of device commands (migration versions 60-69; see <see cref="PostgresSchema"/>).</summary>
public static class CommandSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } =
    [
        new(60, "device commands", """
            CREATE TABLE commands (
                id              text        PRIMARY KEY,
                device_id       text        NOT NULL,
                kind            text        NOT NULL,
                state           text        NOT NULL,
                detail          text,
                issued_at       timestamptz NOT NULL,
                expires_at      timestamptz NOT NULL,
                timeout_seconds integer     NOT NULL,
                issued_by       text        NOT NULL,
                started_at      timestamptz,
                finished_at     timestamptz,
                last_sent_at    timestamptz
            );
            CREATE INDEX commands_device ON commands (device_id, issued_at DESC);
            CREATE INDEX commands_open ON commands (device_id) WHERE state IN ('pending', 'running');
            """),
    ];
}
