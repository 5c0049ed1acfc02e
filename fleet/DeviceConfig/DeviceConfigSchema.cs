using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.DeviceConfig;

/// <summary>PostgreSQL tables of desired configuration layers and reported configurations (migration versions 50-59; see <see cref="PostgresSchema"/>).</summary>
public static class DeviceConfigSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } = [];
}
