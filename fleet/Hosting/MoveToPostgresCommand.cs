using Edge.Fleet.Store;
using Edge.Fleet.Store.Moving;
using Edge.Fleet.Store.Postgres;
using Npgsql;

namespace Edge.Fleet.Hosting;

/// <summary>
/// <c>Edge.Fleet move-to-postgres --Fleet:DataDir ./data/fleet --Store:Postgres:ConnectionString "..." [--Move:IntoNonEmpty=true]</c>:
/// copies everything an embedded fleet keeps in its LiteDB files (events, registry, people, audit, health, alerts,
/// queue, configuration, commands, releases) into PostgreSQL, so that a centre that started on the default grows
/// into several nodes without re-enrolling a device. The fleet must be stopped while it runs (the files are read as
/// they are). It brings the schema up to date first, refuses a target that already holds fleet data unless
/// <c>--Move:IntoNonEmpty=true</c>, and is idempotent: run again, it copies nothing twice.
/// </summary>
public static class MoveToPostgresCommand
{
    public static int Run(IConfiguration arguments, TextWriter output, TextWriter error)
    {
        var fleet = new FleetOptions();
        arguments.GetSection(FleetOptions.Section).Bind(fleet);
        var connectionString = arguments[$"{StoreOptions.Section}:Postgres:ConnectionString"];
        var intoNonEmpty = string.Equals(arguments["Move:IntoNonEmpty"], "true", StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            error.WriteLine($"error: {StoreOptions.Section}:Postgres:ConnectionString is required (the PostgreSQL database to move into)");
            return FleetLauncher.BadConfiguration;
        }

        if (!Directory.Exists(fleet.DataDir))
        {
            error.WriteLine($"error: {FleetOptions.Section}:DataDir must name the embedded fleet's data folder (got '{fleet.DataDir}': not found)");
            return FleetLauncher.BadConfiguration;
        }

        try
        {
            return MoveAsync(fleet, connectionString, intoNonEmpty, output, error, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or TimeoutException)
        {
            error.WriteLine($"error: {StoreOptions.Section}:Postgres:ConnectionString names a database this command cannot use ({ex.Message})");
            return FleetLauncher.BadConfiguration;
        }
    }

    /// <summary>Every copier of the fleet (the store's own and each feature's in this host), in the order they run.</summary>
    public static IReadOnlyList<IEmbeddedDataCopier> Copiers() =>
        new[] { typeof(IEmbeddedDataCopier).Assembly, typeof(MoveToPostgresCommand).Assembly }
            .Distinct()
            .SelectMany(assembly => assembly.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IEmbeddedDataCopier).IsAssignableFrom(t))
            .Select(t => (IEmbeddedDataCopier)Activator.CreateInstance(t)!)
            .OrderBy(c => c.Order)
            .ThenBy(c => c.What, StringComparer.Ordinal)
            .ToList();

    private static async Task<int> MoveAsync(FleetOptions fleet, string connectionString, bool intoNonEmpty, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await using var target = NpgsqlDataSource.Create(connectionString);
        var applied = await PostgresSchema.MigrateAsync(target, FleetSchema.Migrations, cancellationToken);
        output.WriteLine($"schema up to date (version {FleetSchema.Migrations.LatestVersion}, {applied} migrations applied now)");
        var copiers = Copiers();
        if (!intoNonEmpty)
        {
            foreach (var copier in copiers)
            {
                var present = await copier.CountInTargetAsync(target, cancellationToken);
                if (present > 0)
                {
                    error.WriteLine($"error: the target already holds {present} rows of {copier.What}; refusing to move into a non-empty fleet (add --Move:IntoNonEmpty=true to merge: nothing is copied twice)");
                    return FleetLauncher.BadConfiguration;
                }
            }
        }

        foreach (var copier in copiers)
        {
            var copied = await copier.CopyAsync(fleet, target, cancellationToken);
            output.WriteLine($"{copier.What}: {copied} copied");
        }

        output.WriteLine($"moved {Path.GetFullPath(fleet.DataDir)} into PostgreSQL; start the nodes with --Store:Kind=postgres");
        return 0;
    }
}
