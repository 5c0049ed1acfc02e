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
        services.AddCheckedOptions<DeviceOptions>(DeviceOptions.Section);
        services.AddClock();
        return services;
    }

    /// <summary>systemd watchdog fed only while the vouched-for loops are alive.</summary>
    public static IServiceCollection AddWatchdog(this IServiceCollection services)
    {
        services.AddSingleton(_ => new LoopHeartbeats(TimeProvider.System));
        services.AddHostedService<OutboxWriterProbe>();
        services.AddHostedService<SystemdWatchdog>();
        return services;
    }

    public static IServiceCollection AddOutbox(this IServiceCollection services)
    {
        services.AddCheckedOptions<OutboxOptions>(OutboxOptions.Section);
        services.AddSingleton<StorageFaults>();
        services.AddSingleton<IOutboxFileOpener, LiteOutboxFileOpener>();
        services.AddSingleton<OutboxStore>();
        return services;
    }

    public static IServiceCollection AddUplink(this IServiceCollection services)
    {
        services.AddCheckedOptions<UplinkOptions>(UplinkOptions.Section);
        services.AddSingleton<UplinkState>();
        services.AddSingleton<AckTracker>();
        services.AddSingleton<IDownlinkHandler>(sp => sp.GetRequiredService<AckTracker>());
        services.AddSingleton<OutboxDrainer>();
        services.AddSingleton<MqttUplink>();
        services.AddSingleton<IUplinkPublisher>(sp => sp.GetRequiredService<MqttUplink>());
        services.AddHostedService(sp => sp.GetRequiredService<MqttUplink>());
        return services;
    }

    public static IServiceCollection AddPeripherals(this IServiceCollection services)
    {
        services.AddSingleton<PeripheralStates>();
        services.AddSingleton<PeripheralEventRecorder>();
        services.AddSingleton<VirtualPrinter>();
        services.AddCheckedOptions<PrinterOptions>(PrinterOptions.Section);
        services.AddSingleton<TicketPrinter>();
        services.AddHostedService(sp => sp.GetRequiredService<TicketPrinter>());
        services.AddCheckedOptions<DisplayOptions>(DisplayOptions.Section);
        services.AddSingleton<CounterDisplay>();
        services.AddHostedService(sp => sp.GetRequiredService<CounterDisplay>());
        return services;
    }

    public static IServiceCollection AddCounter(this IServiceCollection services)
    {
        services.AddCheckedOptions<RatingOptions>(RatingOptions.Section);
        services.PostConfigure<RatingOptions>(RatingOptions.UseDefaultPinsWhenEmpty);
        services.AddSingleton<RatingRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<RatingRecorder>());
        services.AddSingleton<RatingPanel>();
        services.AddHostedService(sp => sp.GetRequiredService<RatingPanel>());
        return services;
    }

    /// <summary>Serves the local endpoint on 127.0.0.1:Local:Port only (and the LAN gate on Lan:Listen), whatever --urls says.</summary>
    public static WebApplicationBuilder UseLocalEndpoint(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<LocalOptions>(LocalOptions.Section);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, Local.LocalJson.Default));
        var port = builder.Configuration.GetValue(LocalOptions.Section + ":Port", new LocalOptions().Port);
        // The centre's LAN listener (Lan:Listen), when set, serves only signed LAN requests (Lan/LanGate.cs).
        var lan = builder.Configuration.GetValue(Lan.LanOptions.Section + ":Listen", "");
        string[] urls = [$"http://127.0.0.1:{(port is >= 1 and <= 65535 ? port : 0)}", .. lan is { Length: > 0 } ? new[] { $"http://{lan}" } : []];
        builder.WebHost.UseUrls(urls);
        return builder;
    }
}
