using Edge.Fleet.Store.Postgres;

namespace Edge.Fleet.Broker;

/// <summary>PostgreSQL tables of the external broker's device accounts (migration versions 80-89; see <see cref="PostgresSchema"/>).</summary>
public static class BrokerSchema
{
    public static IReadOnlyList<PostgresMigration> Migrations { get; } = [];
}
