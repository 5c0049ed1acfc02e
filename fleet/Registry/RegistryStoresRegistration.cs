using Edge.Fleet.Store;
using Npgsql;

namespace Edge.Fleet.Registry;

public static class RegistryStoresRegistration
{
    /// <summary>
    /// The registry's store of devices by <c>Store:Kind</c>: one LiteDB file of this node (<see cref="RegistryFile"/>,
    /// registered only then, so a PostgreSQL node keeps no registry file) or PostgreSQL. The features whose stores
    /// share that file register their own: people (<c>AddFleetAuth</c>), audit (<c>AddAuditLog</c>), enrolments
    /// (<c>AddProvisioning</c>).
    /// </summary>
    public static IHostApplicationBuilder AddRegistryStores(this IHostApplicationBuilder builder)
    {
        if (!builder.UsesPostgres())
        {
            builder.Services.AddSingleton<RegistryFile>();
        }

        builder.AddFleetStore<IDeviceStore>(
            sp => new LiteDeviceStore(sp.GetRequiredService<RegistryFile>()),
            sp => new PostgresDeviceStore(sp.GetRequiredService<NpgsqlDataSource>()));
        return builder;
    }
}

/// <summary>
/// Loads the device cache at start-up (after the schema migrator, which is registered before it), so that the
/// first device to connect does not wait for it. Without it the cache loads at its first use.
/// </summary>
public sealed class DeviceRegistryLoader(DeviceRegistry registry, ILogger<DeviceRegistryLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await registry.ReloadAsync(cancellationToken);
            logger.LogInformation("Device registry loaded: {Count} devices", registry.List().Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not load the device registry at start ({Error}); it loads at first use", ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
