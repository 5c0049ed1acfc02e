using System.Buffers;

namespace Edge.Fleet.Broker;

/// <summary>
/// A feature that answers requests devices publish on topics of its own (the queue desk's call requests on
/// <c>edge/v1/{device}/queue/call</c>), from either broker mode. Register its singleton with
/// <see cref="DeviceRequestHandlerRegistration.AddDeviceRequestHandler{T}"/>. It must not throw for bad input: log,
/// count, return.
/// </summary>
public interface IDeviceRequestHandler
{
    /// <summary>True when <paramref name="topic"/> is one of this feature's (then no other handler sees it).</summary>
    bool Owns(string topic);

    /// <summary>Handles a message on one of its topics; true when it was a request consumed here (not routed to subscribers).</summary>
    Task<bool> HandleAsync(string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken);
}

public static class DeviceRequestHandlerRegistration
{
    /// <summary>Makes the singleton <typeparamref name="T"/> (registered by its feature) a handler the router hands its topics to.</summary>
    public static IServiceCollection AddDeviceRequestHandler<T>(this IServiceCollection services)
        where T : class, IDeviceRequestHandler
    {
        services.AddSingleton<IDeviceRequestHandler>(sp => sp.GetRequiredService<T>());
        return services;
    }
}
