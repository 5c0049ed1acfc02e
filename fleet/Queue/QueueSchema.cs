using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.Queue;

/// <summary>PostgreSQL tables of the centres' queues: tickets and last calls (migration versions 40-49; see <see cref="PostgresSchema"/>).</summary>
public static class QueueSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } = [];
}
