using Edge.Fleet.Store.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Edge.Fleet.Store;

/// <summary>Settings of the event store (section <c>Store</c>).</summary>
public sealed class StoreOptions
{
    public const string Section = "Store";
    public const string Lite = "lite";
    public const string PostgresKind = "postgres";

    /// <summary><c>lite</c> (default): LiteDB in <c>Fleet:DataDir</c>. <c>postgres</c>: PostgreSQL, shared by every node.</summary>
    public string Kind { get; set; } = Lite;

    public PostgresStoreOptions Postgres { get; set; } = new();

    public bool IsPostgres => string.Equals(Kind, PostgresKind, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Section <c>Store:Postgres</c>.</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>Npgsql connection string, e.g. <c>Host=db;Port=5432;Username=edge;Password=...;Database=edge</c>.</summary>
    public string? ConnectionString { get; set; }
}

public sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        if (!options.IsPostgres && !string.Equals(options.Kind, StoreOptions.Lite, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail($"{StoreOptions.Section}:{nameof(StoreOptions.Kind)} must be '{StoreOptions.Lite}' or '{StoreOptions.PostgresKind}' (got '{options.Kind}')");
        }

        if (options.IsPostgres)
        {
            const string key = StoreOptions.Section + ":Postgres:ConnectionString";
            if (string.IsNullOrWhiteSpace(options.Postgres.ConnectionString))
            {
                return ValidateOptionsResult.Fail($"{key} is required when {StoreOptions.Section}:{nameof(StoreOptions.Kind)} is '{StoreOptions.PostgresKind}'");
            }

            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.Postgres.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail($"{key} is not a valid connection string: {ex.Message}");
            }
        }

        return ValidateOptionsResult.Success;
    }
}

public static class StoreSelection
{
    /// <summary>The event store by <c>Store:Kind</c>: the embedded LiteDB store (default) or PostgreSQL.</summary>
    public static IHostApplicationBuilder AddSelectedEventStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StoreOptions>().BindConfiguration(StoreOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>();
        var options = builder.Configuration.GetSection(StoreOptions.Section).Get<StoreOptions>() ?? new StoreOptions();
        if (!options.IsPostgres)
        {
            return builder.AddEventStore();
        }

        builder.Services.AddSingleton(sp =>
            NpgsqlDataSource.Create(sp.GetRequiredService<IOptions<StoreOptions>>().Value.Postgres.ConnectionString!));
        builder.Services.AddSingleton<PostgresEventStore>();
        builder.Services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        builder.Services.AddHostedService<PostgresSchemaMigrator>();
        return builder;
    }
}
