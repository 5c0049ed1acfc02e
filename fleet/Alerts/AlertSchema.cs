using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.Alerts;

/// <summary>PostgreSQL tables of alerts and the centres' alert rules (migration versions 30-39; see <see cref="PostgresSchema"/>).</summary>
public static class AlertSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } = [];
}
