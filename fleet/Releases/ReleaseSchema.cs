using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.Releases;

/// <summary>PostgreSQL tables of releases (with their signed archives), rollouts and their targets (migration versions 70-79; see <see cref="PostgresSchema"/>).</summary>
public static class ReleaseSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } =
    [
        new PostgresMigration(70, "releases with their archives, rollouts and targets", """
            CREATE TABLE releases (
                version     text        PRIMARY KEY,
                sha256      text        NOT NULL,
                size        bigint      NOT NULL,
                signature   text        NOT NULL,
                chunk_size  integer     NOT NULL,
                uploaded_at timestamptz NOT NULL
            );

            -- The archive in pieces of releases.chunk_size bytes (the last shorter), written and read one at a time.
            CREATE TABLE release_chunks (
                version text    NOT NULL REFERENCES releases (version) ON DELETE CASCADE,
                idx     integer NOT NULL,
                data    bytea   NOT NULL,
                PRIMARY KEY (version, idx)
            );
            -- Archives are gzip already: do not try to compress them again.
            ALTER TABLE release_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

            CREATE TABLE rollouts (
                id         text        PRIMARY KEY,
                version    text        NOT NULL,
                created_at timestamptz NOT NULL,
                created_by text        NOT NULL,
                status     text        NOT NULL,
                reason     text
            );
            CREATE INDEX rollouts_active ON rollouts (id) WHERE status = 'active';

            -- offered: an offer is on the device's retained update topic (the leader's record, not memory).
            CREATE TABLE rollout_targets (
                rollout_id   text        NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
                device_id    text        NOT NULL,
                stage        integer     NOT NULL,
                state        text        NOT NULL,
                reason       text,
                host_version text,
                offered      boolean     NOT NULL DEFAULT false,
                offered_at   timestamptz,
                updated_at   timestamptz NOT NULL,
                token_hashes text[]      NOT NULL DEFAULT '{}',
                PRIMARY KEY (rollout_id, device_id)
            );
            CREATE INDEX rollout_targets_device ON rollout_targets (device_id);
            CREATE INDEX rollout_targets_offered ON rollout_targets (rollout_id) WHERE offered;
            """),
    ];
}
