using Edge.Fleet.Ingest;
using Edge.Fleet.Tls;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace Edge.Fleet.Broker;

public static class BrokerRegistration
{
    /// <summary>The embedded MQTT broker on <c>Mqtt:BindAddress</c>:<c>Mqtt:Port</c>, and acks sent through it.</summary>
    public static IHostApplicationBuilder AddEmbeddedBroker(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => EmbeddedBroker.CreateServer(
            sp.GetRequiredService<IOptions<MqttOptions>>().Value, sp.GetRequiredService<FleetCertificate>().Certificate));
        builder.Services.AddSingleton<DeviceSessionDelivery>();
        builder.Services.AddSingleton<IAckSender, EmbeddedAckSender>();
        builder.Services.AddSingleton<RetainedDownlinks>();
        builder.Services.AddDeviceMessageRouter();
        builder.Services.AddSingleton<DeviceAccessControl>();
        builder.Services.AddSingleton<IDeviceSessions>(sp => sp.GetRequiredService<DeviceAccessControl>());
        builder.Services.AddHostedService<EmbeddedBroker>();
        return builder;
    }

    /// <summary>The router, the lanes that handle statuses behind it and the turns of devices that came online (both broker modes).</summary>
    public static IServiceCollection AddDeviceMessageRouter(this IServiceCollection services)
    {
        services.AddSingleton<DeviceMessageRouter>();
        services.AddSingleton<DeviceStatusLanes>();
        services.AddHostedService(sp => sp.GetRequiredService<DeviceStatusLanes>());
        services.AddSingleton<DeviceOnlineTurns>();
        services.AddHostedService(sp => sp.GetRequiredService<DeviceOnlineTurns>());
        return services;
    }
}
