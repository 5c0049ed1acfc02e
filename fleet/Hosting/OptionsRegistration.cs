using Edge.Fleet.Broker;
using Microsoft.Extensions.Options;
using Edge.Fleet.Store;

namespace Edge.Fleet.Hosting;

public static class OptionsRegistration
{
    /// <summary>Binds <c>Fleet</c> and <c>Mqtt</c> from every configuration source, checked at start.</summary>
    public static IHostApplicationBuilder AddFleetOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FleetOptions>().BindConfiguration(FleetOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FleetOptions>, FleetOptionsValidator>();
        builder.Services.AddOptions<MqttOptions>().BindConfiguration(MqttOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>();
        return builder;
    }
}
