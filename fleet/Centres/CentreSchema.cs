using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.Centres;

/// <summary>PostgreSQL tables of the centre directory and the province officers' provinces (versions 100-109).</summary>
public static class CentreSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } =
    [
        new PostgresMigration(100, "centre directory: name, province, address, opening hours, time zone, public board", """
            CREATE TABLE centres (
                id            text        PRIMARY KEY,
                name          text        NOT NULL,
                province      text        NOT NULL,
                address       text        NOT NULL,
                opening_hours text,
                time_zone     text,
                public_board  boolean     NOT NULL,
                updated_at    timestamptz NOT NULL,
                updated_by    text        NOT NULL
            );
            CREATE INDEX centres_by_province ON centres (province);
            """),
        // The people live in the registry's table (migration 10); the provinces a province officer oversees are this
        // folder's concept, so their column is added here.
        new PostgresMigration(101, "the provinces a province officer oversees", """
            ALTER TABLE fleet_users ADD COLUMN provinces text[] NOT NULL DEFAULT '{}';
            """),
    ];
}
