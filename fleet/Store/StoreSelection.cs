using Edge.Fleet.Store.Postgres;
using Edge.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Edge.Fleet.Store;

/// <summary>Settings of the event store (section <c>Store</c>).</summary>
public sealed class StoreOptions : ICheckedOptions
{
    public const string Section = "Store";
    public const string Lite = "lite";
    public const string PostgresKind = "postgres";

    /// <summary><c>lite</c> (default): LiteDB in <c>Fleet:DataDir</c>. <c>postgres</c>: PostgreSQL, shared by every node.</summary>
    public string Kind { get; set; } = Lite;

    public PostgresStoreOptions Postgres { get; set; } = new();

    public bool IsPostgres => string.Equals(Kind, PostgresKind, StringComparison.OrdinalIgnoreCase);

    public IEnumerable<string> Validate()
    {
        if (!IsPostgres && !string.Equals(Kind, StoreOptions.Lite, StringComparison.OrdinalIgnoreCase))
        {
            return [$"{StoreOptions.Section}:{nameof(StoreOptions.Kind)} must be '{StoreOptions.Lite}' or '{StoreOptions.PostgresKind}' (got '{Kind}')"];
        }

        if (IsPostgres)
        {
            const string key = StoreOptions.Section + ":Postgres:ConnectionString";
            if (string.IsNullOrWhiteSpace(Postgres.ConnectionString))
            {
                return [$"{key} is required when {StoreOptions.Section}:{nameof(StoreOptions.Kind)} is '{StoreOptions.PostgresKind}'"];
            }

            try
            {
                _ = new NpgsqlConnectionStringBuilder(Postgres.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                return [$"{key} is not a valid connection string: {ex.Message}"];
            }
        }

        return [];
    }
}

/// <summary>Section <c>Store:Postgres</c>.</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>Npgsql connection string, e.g. <c>Host=db;Port=5432;Username=edge;Password=...;Database=edge</c>.</summary>
    public string? ConnectionString { get; set; }
}
public static class StoreSelection
{
    /// <summary>
    /// The event store by <c>Store:Kind</c>: the embedded LiteDB store (default) or PostgreSQL. With PostgreSQL this
    /// also registers the one <see cref="NpgsqlDataSource"/> every PostgreSQL store of the node shares, the schema
    /// migrator, the leadership lock and the change feed; with LiteDB their single-process counterparts.
    /// <paramref name="schema"/>: every feature's migrations, collected by the host; the migrator applies them at start.
    /// </summary>
    public static IHostApplicationBuilder AddSelectedEventStore(this IHostApplicationBuilder builder, PostgresMigrations schema)
    {
        builder.Services.AddSingleton(schema);
        builder.Services.AddCheckedOptions<StoreOptions>(StoreOptions.Section);
        if (!builder.UsesPostgres())
        {
            builder.Services.AddSingleton<Leadership.IFleetLeadership, Leadership.SoleNodeLeadership>();
            builder.Services.AddSingleton<Changes.IChangeFeed, Changes.InProcessChangeFeed>();
            return builder.AddEventStore();
        }

        builder.Services.AddSingleton(sp =>
            NpgsqlDataSource.Create(sp.GetRequiredService<IOptions<StoreOptions>>().Value.Postgres.ConnectionString!));
        builder.Services.AddSingleton(sp => new PostgresEventStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<PostgresMigrations>()));
        builder.Services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        builder.Services.AddHostedService<PostgresSchemaMigrator>();
        builder.Services.AddSingleton<Leadership.PostgresLeadership>();
        builder.Services.AddSingleton<Leadership.IFleetLeadership>(sp => sp.GetRequiredService<Leadership.PostgresLeadership>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Leadership.PostgresLeadership>());
        builder.Services.AddSingleton<Changes.PostgresChangeFeed>();
        builder.Services.AddSingleton<Changes.IChangeFeed>(sp => sp.GetRequiredService<Changes.PostgresChangeFeed>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Changes.PostgresChangeFeed>());
        return builder;
    }

    /// <summary>True when <c>Store:Kind</c> is <c>postgres</c>: every store of the node then lives in PostgreSQL.</summary>
    public static bool UsesPostgres(this IHostApplicationBuilder builder) =>
        (builder.Configuration.GetSection(StoreOptions.Section).Get<StoreOptions>() ?? new StoreOptions()).IsPostgres;

    /// <summary>
    /// Registers one kind of fleet data behind its interface: <paramref name="lite"/> (a LiteDB file of this node,
    /// the embedded default) or, with <c>Store:Kind=postgres</c>, <paramref name="postgres"/> (which takes the shared
    /// <see cref="NpgsqlDataSource"/> from the container). Call after <see cref="AddSelectedEventStore"/>.
    /// </summary>
    public static IHostApplicationBuilder AddFleetStore<TStore>(
        this IHostApplicationBuilder builder, Func<IServiceProvider, TStore> lite, Func<IServiceProvider, TStore> postgres)
        where TStore : class
    {
        builder.Services.AddStoreOutages();
        builder.Services.AddSingleton(builder.UsesPostgres() ? postgres : lite);
        return builder;
    }
}
