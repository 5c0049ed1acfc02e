using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.CentreLan;

/// <summary>PostgreSQL tables of the centres' LAN (migration 11, in the registry's range 10-19: a centre key is access data).</summary>
public static class CentreLanSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } =
    [
        new PostgresMigration(11, "centre LAN: centre keys, devices' LAN addresses", """
            CREATE TABLE centre_keys (
                centre     text        PRIMARY KEY,
                key        text        NOT NULL,
                previous   text,
                version    bigint      NOT NULL,
                created_at timestamptz NOT NULL,
                created_by text        NOT NULL
            );

            CREATE TABLE lan_addresses (
                device_id   text        PRIMARY KEY,
                address     text        NOT NULL,
                reported_at timestamptz NOT NULL
            );
            """),
    ];
}
