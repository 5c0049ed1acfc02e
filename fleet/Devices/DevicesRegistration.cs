using Edge.Fleet.Store;

namespace Edge.Fleet.Devices;

public static class DevicesRegistration
{
    /// <summary>Device presence (<see cref="DevicePresence"/>) and its store (<c>{Fleet:DataDir}/presence.db</c> or PostgreSQL by <c>Store:Kind</c>).</summary>
    public static IHostApplicationBuilder AddDevices(this IHostApplicationBuilder builder)
    {
        builder.AddFleetStore<IPresenceStore>(
            sp => new LitePresenceStore(FleetOptions.FileIn(sp, "presence.db"), sp.GetRequiredService<StoreOutages>()),
            sp => new PostgresPresenceStore(sp.GetRequiredService<Npgsql.NpgsqlDataSource>()));
        builder.Services.AddSingleton<DevicePresence>();
        builder.Services.AddSingleton<Broker.IPresenceObserver>(sp => sp.GetRequiredService<DevicePresence>());
        return builder;
    }
}
