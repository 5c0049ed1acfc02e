using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.DeviceConfig;

/// <summary>PostgreSQL tables of desired configuration layers and reported configurations (migration versions 50-59; see <see cref="PostgresSchema"/>).</summary>
public static class DeviceConfigSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } =
    [
        new(50, "desired configuration layers and reports", """
            -- One row: the fleet-wide revision counter (see PostgresDesiredConfigStore for why not a sequence).
            CREATE TABLE config_revision (
                single boolean PRIMARY KEY DEFAULT true CHECK (single),
                value  bigint  NOT NULL
            );
            INSERT INTO config_revision (single, value) VALUES (true, 0);

            CREATE TABLE config_layers (
                id         text        PRIMARY KEY,
                settings   jsonb       NOT NULL,
                revision   bigint      NOT NULL UNIQUE,
                updated_at timestamptz NOT NULL,
                updated_by text        NOT NULL
            );

            CREATE TABLE config_reported (
                device_id        text        PRIMARY KEY,
                applied_version  bigint      NOT NULL,
                state            text        NOT NULL,
                rejected_version bigint,
                reason           text,
                restart_pending  text[]      NOT NULL,
                at               timestamptz NOT NULL,
                received_at      timestamptz NOT NULL
            );
            """),
    ];
}
