using System.Buffers;
using Edge.Wire;

namespace Edge.Fleet.Broker;

/// <summary>
/// A feature that reads what devices publish on some topic kinds (register it as a singleton
/// <see cref="IDeviceReportConsumer"/>): <see cref="DeviceMessageRouter"/> hands it every such message, from either
/// broker mode, before its own handling. It must not throw for bad input: log, count, return.
/// </summary>
public interface IDeviceReportConsumer
{
    bool Wants(TopicKind kind);

    Task ConsumeAsync(TopicAddress address, ReadOnlySequence<byte> payload, CancellationToken cancellationToken);
}

public static class DeviceReportConsumerRegistration
{
    /// <summary>Registers <typeparamref name="T"/> once, as itself and as a consumer the router hands reports to.</summary>
    public static IServiceCollection AddDeviceReportConsumer<T>(this IServiceCollection services)
        where T : class, IDeviceReportConsumer
    {
        services.AddSingleton<T>();
        services.AddSingleton<IDeviceReportConsumer>(sp => sp.GetRequiredService<T>());
        return services;
    }
}
