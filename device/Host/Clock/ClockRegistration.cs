using Edge.Device.Configuration;
using Microsoft.Extensions.Options;

namespace Edge.Device.Clock;

public static class ClockRegistration
{
    /// <summary>
    /// The wall clock (<see cref="TimeProvider"/>), its synchronised flag and the <see cref="HostClock"/> on them:
    /// the system's on a Pi, a <see cref="SimulatedClock"/> with --simulate.
    /// </summary>
    public static IServiceCollection AddClock(this IServiceCollection services)
    {
        services.AddSingleton<SimulatedClock>();
        services.AddSingleton<SystemClockSync>();
        services.AddSingleton<TimeProvider>(sp => Simulated(sp) ? sp.GetRequiredService<SimulatedClock>() : TimeProvider.System);
        services.AddSingleton<IClockSync>(sp => Simulated(sp) ? sp.GetRequiredService<SimulatedClock>() : sp.GetRequiredService<SystemClockSync>());
        services.AddSingleton<HostClock>();
        return services;
    }

    private static bool Simulated(IServiceProvider services) => services.GetRequiredService<IOptions<DeviceOptions>>().Value.Simulate;
}
