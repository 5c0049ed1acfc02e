using Edge.Fleet.Broker.External.DynamicSecurity;
using Edge.Fleet.Ingest;
using Edge.Fleet.Tls;
using Edge.Hosting;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace Edge.Fleet.Broker.External;

public static class ExternalBrokerRegistration
{
    /// <summary>
    /// The broker by <c>Broker:Mode</c>: <c>embedded</c> (default, <see cref="BrokerRegistration.AddEmbeddedBroker"/>)
    /// or <c>external</c> (this node is a client of <c>Broker:External:Host</c>:<c>Port</c>, see README.md).
    /// </summary>
    public static IHostApplicationBuilder AddBroker(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<BrokerOptions>(BrokerOptions.Section);
        builder.Services.AddCheckedOptions<DeviceAuthOptions>(DeviceAuthOptions.Section);
        // The embedded broker listens with TLS when the node has a certificate (Tls:Certificate, fleet/Tls).
        builder.Services.AddOptions<MqttOptions>().PostConfigure<IOptions<FleetTlsOptions>, IOptions<BrokerOptions>>(
            (mqtt, tls, broker) => mqtt.TlsEnabled = tls.Value.Enabled && !broker.Value.IsExternal);
        var mode = builder.Configuration.GetSection(BrokerOptions.Section).Get<BrokerOptions>() ?? new BrokerOptions();
        return mode.IsExternal ? builder.AddExternalBroker(mode.External) : builder.AddEmbeddedBroker();
    }

    private static IHostApplicationBuilder AddExternalBroker(this IHostApplicationBuilder builder, ExternalBrokerOptions external)
    {
        if (external.DynamicSecurity)
        {
            // Registered before AddFleetAuth, whose defaults (nothing to keep in step) are TryAdd.
            builder.Services.AddSingleton<DynamicSecurityChannel>();
            builder.Services.AddSingleton<MosquittoDynamicSecurityAccounts>();
            builder.Services.AddSingleton<IBrokerAccounts>(sp => sp.GetRequiredService<MosquittoDynamicSecurityAccounts>());
            builder.Services.AddSingleton<IDeviceSessions>(sp => sp.GetRequiredService<MosquittoDynamicSecurityAccounts>());
            builder.Services.AddSingleton<IBrokerLoginSetup>(sp => sp.GetRequiredService<MosquittoDynamicSecurityAccounts>());
        }
        else
        {
            builder.Services.AddSingleton<IBrokerLoginSetup, OperatorManagedBrokerLogin>();
        }

        builder.Services.AddSingleton(_ => new MqttClientFactory().CreateMqttClient());
        builder.Services.AddSingleton<IAckSender, ExternalAckSender>();
        if (!builder.Services.Any(d => d.ServiceType == typeof(DeviceMessageRouter)))
        {
            builder.Services.AddDeviceMessageRouter();
        }

        builder.Services.AddHostedService<ExternalBrokerConnection>();
        return builder;
    }
}
