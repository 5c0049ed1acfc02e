using Edge.Fleet.Broker;
using Edge.Fleet.Store;
using Edge.Hosting;

namespace Edge.Fleet.Hosting;

public static class OptionsRegistration
{
    /// <summary>Binds <c>Fleet</c> and <c>Mqtt</c> from every configuration source, checked at start.</summary>
    public static IHostApplicationBuilder AddFleetOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<FleetOptions>(FleetOptions.Section);
        builder.Services.AddCheckedOptions<MqttOptions>(MqttOptions.Section);
        return builder;
    }
}
