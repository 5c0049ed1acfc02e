using Edge.Device.Configuration;
using Edge.Device.Drivers.Rtc;
using Edge.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Device.Clock;

public static class ClockRegistration
{
    /// <summary>
    /// The wall clock (<see cref="TimeProvider"/>), its synchronised flag and the <see cref="HostClock"/> on them:
    /// the system's on a Pi, an <see cref="RtcBackedClock"/> when a DS3231 is configured (Clock:Rtc), a
    /// <see cref="SimulatedClock"/> with --simulate.
    /// </summary>
    public static IServiceCollection AddClock(this IServiceCollection services)
    {
        // Not listed in the effective-settings view, whose JSON context (device/Host/Status/EffectiveSettings.cs)
        // does not know ClockOptions yet.
        services.AddCheckedOptions<ClockOptions>(ClockOptions.Section);

        services.AddSingleton<SimulatedClock>();
        services.AddSingleton<SystemClockSync>();
        services.AddSingleton(sp => RtcClockKeeper.Open(
            sp.GetRequiredService<IOptions<ClockOptions>>().Value,
            sp.GetRequiredService<SystemClockSync>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<RtcClockKeeper>()));
        services.AddSingleton<TimeProvider>(sp => Simulated(sp) ? sp.GetRequiredService<SimulatedClock>()
            : HasRtc(sp) ? sp.GetRequiredService<RtcBackedClock>()
            : TimeProvider.System);
        services.AddSingleton<IClockSync>(sp => Simulated(sp) ? sp.GetRequiredService<SimulatedClock>()
            : HasRtc(sp) ? new RtcClockSync(sp.GetRequiredService<RtcBackedClock>())
            : sp.GetRequiredService<SystemClockSync>());
        services.AddSingleton<HostClock>();
        services.AddHostedService<RtcClockKeeper>();
        return services;
    }

    private static bool Simulated(IServiceProvider services) => services.GetRequiredService<IOptions<DeviceOptions>>().Value.Simulate;

    private static bool HasRtc(IServiceProvider services) => services.GetRequiredService<IOptions<ClockOptions>>().Value.HasRtc;
}
