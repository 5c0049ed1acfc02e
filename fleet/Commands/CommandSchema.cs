using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.Commands;

/// <summary>PostgreSQL tables of device commands (migration versions 60-69; see <see cref="PostgresSchema"/>).</summary>
public static class CommandSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } = [];
}
