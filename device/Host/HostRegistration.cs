using Edge.Device.Clock;
using Edge.Device.Configuration;
using Edge.Device.Display;
using Edge.Device.Counter;
using Edge.Device.Drivers.Simulation;
using Edge.Device.Outbox;
using Edge.Device.Peripherals;
using Edge.Device.Printing;
using Edge.Device.Uplink;
using Edge.Device.Watchdog;
using Microsoft.Extensions.Options;

namespace Edge.Device;

/// <summary>The AddX methods Program.cs reads as a table of contents.</summary>
public static class HostRegistration
{
    public static IServiceCollection AddDeviceOptions(this IServiceCollection services)
    {
        services.AddSingleton(new SettingsSectionJson(Status.EffectiveSettingsJson.Default));
        services.AddListedOptions<DeviceOptions>(DeviceOptions.Section);
        services.AddClock();
        return services;
    }

    /// <summary>systemd watchdog fed only while the vouched-for loops are alive.</summary>
    public static IServiceCollection AddWatchdog(this IServiceCollection services)
    {
        services.AddSingleton(_ => new LoopHeartbeats(TimeProvider.System));
        services.AddSingleton<ILoopLiveness>(sp => sp.GetRequiredService<LoopHeartbeats>());
        services.AddHostedService<OutboxWriterProbe>();
        services.AddHostedService<SystemdWatchdog>();
        return services;
    }

    public static IServiceCollection AddPeripherals(this IServiceCollection services)
    {
        services.AddSingleton<PeripheralStates>();
        services.AddSingleton<PeripheralEventRecorder>();
        services.AddSingleton<VirtualPrinter>();
        services.AddListedOptions<PrinterOptions>(PrinterOptions.Section);
        services.AddSingleton<TicketPrinter>();
        services.AddHostedService(sp => sp.GetRequiredService<TicketPrinter>());
        services.AddListedOptions<DisplayOptions>(DisplayOptions.Section);
        services.AddSingleton<CounterDisplay>();
        services.AddHostedService(sp => sp.GetRequiredService<CounterDisplay>());
        return services;
    }


    /// <summary>What the uplink's retained status says beyond online/offline (<see cref="UplinkStatusFacts"/>).</summary>
    public static UplinkStatusFacts StatusFacts(IServiceProvider services) =>
        new(HostVersion.Current, services.GetRequiredService<IOptions<Lan.LanOptions>>().Value.AdvertisedAddress);
}
