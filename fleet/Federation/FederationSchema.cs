using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.Federation;

/// <summary>PostgreSQL tables of federation (versions 120-129).</summary>
public static class FederationSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } =
    [
        new PostgresMigration(120, "federation: the sender's cursors, the receiver's forwarded devices", """
            CREATE TABLE federation_cursors (
                device_id text PRIMARY KEY,
                acked_up_to bigint NOT NULL,
                updated_at timestamptz NOT NULL
            );

            CREATE TABLE federation_devices (
                source text NOT NULL,
                device_id text NOT NULL,
                source_centre text NOT NULL,
                first_seen_at timestamptz NOT NULL,
                PRIMARY KEY (source, device_id)
            );
            """),
    ];
}
