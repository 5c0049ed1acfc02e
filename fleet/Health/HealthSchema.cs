using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.Health;

/// <summary>PostgreSQL tables of device health: heartbeats (latest and history), presence and the rating-key catalogue (migration versions 20-29; see <see cref="PostgresSchema"/>).</summary>
public static class HealthSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } = [];
}
