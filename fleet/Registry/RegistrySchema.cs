using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.Registry;

/// <summary>PostgreSQL tables of the registry: devices, enrolments, people, tokens and the audit log (migration versions 10-19; see <see cref="PostgresSchema"/>).</summary>
public static class RegistrySchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } = [];
}
