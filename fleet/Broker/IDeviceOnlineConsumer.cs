using Edge.Wire;

namespace Edge.Fleet.Broker;

/// <summary>A device whose "online" status the router read, with that status (its last, when it sent several in one turn).</summary>
public sealed record DeviceOnline(string DeviceId, DeviceStatus Status);

/// <summary>
/// A feature that checks something for each device that comes online (what it missed while away: its desired
/// configuration, its pending commands, its centre's LAN information), many devices at a time (register it as a singleton
/// <see cref="IDeviceOnlineConsumer"/>): <see cref="DeviceOnlineTurns"/> hands it the devices whose "online" status
/// arrived since its last turn, so that one store read serves a whole connect wave instead of one per device (issue 14,
/// the reconnect storm). Best effort: it must not throw; what it could not do is done at the device's next connection.
/// </summary>
public interface IDeviceOnlineConsumer
{
    /// <summary>Checks the devices of one turn (each once, in the order their first statuses came).</summary>
    Task DevicesOnlineAsync(IReadOnlyList<DeviceOnline> devices, CancellationToken cancellationToken);
}

public static class DeviceOnlineConsumerRegistration
{
    /// <summary>Registers <typeparamref name="T"/> once, as itself and as a consumer of the devices that come online.</summary>
    public static IServiceCollection AddDeviceOnlineConsumer<T>(this IServiceCollection services)
        where T : class, IDeviceOnlineConsumer
    {
        services.AddSingleton<T>();
        services.AddSingleton<IDeviceOnlineConsumer>(sp => sp.GetRequiredService<T>());
        return services;
    }
}
