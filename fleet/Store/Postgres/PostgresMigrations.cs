namespace Edge.Fleet.Store.Postgres;

/// <summary>
/// Every migration of the node's PostgreSQL schema, in version order: the events' (<see cref="PostgresSchema.EventMigrations"/>)
/// and each feature's <c>XxxSchema.Migrations</c>, collected by the host (<c>Edge.Fleet.FleetSchema</c>) and handed to
/// the store, which applies them (<see cref="PostgresSchema.MigrateAsync"/>) without naming a feature.
/// </summary>
public sealed class PostgresMigrations
{
    public PostgresMigrations(params IReadOnlyList<PostgresMigration>[] features)
    {
        var all = features.SelectMany(f => f).OrderBy(m => m.Version).ToList();
        var twice = all.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        All = twice is null ? all : throw new InvalidOperationException($"PostgreSQL migration version {twice.Key} is used twice");
    }

    /// <summary>The migrations in version order; a version used twice is a programming error (refused above).</summary>
    public IReadOnlyList<PostgresMigration> All { get; }

    /// <summary>Highest migration this build knows.</summary>
    public int LatestVersion => All.Count == 0 ? 0 : All[^1].Version;
}
