namespace Edge.Fleet.Store.Postgres;

/// <summary>
/// One numbered change of the PostgreSQL schema. Each feature that keeps data in PostgreSQL owns its migrations in a
/// <c>...Schema</c> class of its folder, in the version range given in <see cref="PostgresSchema"/>; the runner applies
/// every version not yet recorded, in version order, so a feature may add a migration after another feature's
/// higher-numbered one has shipped. Never edit a migration that has shipped; append a new one.
/// </summary>
public sealed record PostgresMigration(int Version, string Name, string Sql);
