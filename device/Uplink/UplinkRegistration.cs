using Edge.Device.Configuration;

namespace Edge.Device.Uplink;

/// <summary>The uplink's services (options section "Uplink").</summary>
public static class UplinkRegistration
{
    /// <summary>
    /// The MQTT uplink and the ack tracker (the first <see cref="IDownlinkHandler"/>). The host registers what the
    /// uplink needs but does not own: <see cref="UplinkCredentials"/> (provisioning), an <see cref="ILoopLiveness"/>
    /// (the watchdog), and <paramref name="statusFacts"/> for the retained status.
    /// </summary>
    public static IServiceCollection AddUplink(this IServiceCollection services, Func<IServiceProvider, UplinkStatusFacts> statusFacts)
    {
        services.AddListedOptions<UplinkOptions>(UplinkOptions.Section);
        services.AddSingleton(statusFacts);
        services.AddSingleton<UplinkState>();
        services.AddSingleton<AckTracker>();
        services.AddSingleton<IDownlinkHandler>(sp => sp.GetRequiredService<AckTracker>());
        services.AddSingleton<OutboxDrainer>();
        services.AddSingleton<MqttUplink>();
        services.AddSingleton<IUplinkPublisher>(sp => sp.GetRequiredService<MqttUplink>());
        services.AddHostedService(sp => sp.GetRequiredService<MqttUplink>());
        return services;
    }
}
