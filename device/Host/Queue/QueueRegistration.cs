using Edge.Device.Counter;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Edge.Device.Configuration;
using Edge.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Device.Queue;

public static class QueueRegistration
{
    /// <summary>The device's part in the centre's queue, by <c>Device:Role</c>: kiosk (tickets) or counter (calls).</summary>
    public static IServiceCollection AddQueue(this IServiceCollection services)
    {
        services.AddListedOptions<DeviceRoleOptions>(DeviceRoleOptions.Section);
        services.AddListedOptions<QueueOptions>(QueueOptions.Section).CheckWith<QueueOptions, IServiceProvider>(QueuePins.AtStart);
        services.AddSingleton<QueuePresses>();
        services.AddSingleton<QueueReplies>();
        services.AddSingleton<Uplink.IDownlinkHandler>(sp => sp.GetRequiredService<QueueReplies>());
        services.AddSingleton<CallRequestSender>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<QueueOptions>>().Value;
            var dir = sp.GetRequiredService<IOptions<DeviceOptions>>().Value.ResolvedDataDir;
            return new TicketNumbering(Path.Combine(dir, "queue-numbers.json"), sp.GetRequiredService<TimeProvider>(), o.Zone(), o.FirstNumber, o.LastNumber);
        });
        services.AddSingleton(sp => new KioskTicketStore(Path.Combine(sp.GetRequiredService<IOptions<DeviceOptions>>().Value.ResolvedDataDir, "kiosk-ledger.db")));
        services.AddSingleton<KioskAuthority>();
        services.AddSingleton<Lan.ILanHandlerSource, KioskLanHandlers>();
        services.AddHostedService<KioskStart>();
        services.AddSingleton<LocalCaller>();
        services.AddSingleton<UnconfirmedClaims>();
        services.AddSingleton<Lan.IUnconfirmedClaimCount>(sp => sp.GetRequiredService<UnconfirmedClaims>());
        services.AddHostedService<UnconfirmedClaimSender>();
        services.AddSingleton<KioskIssuer>();
        services.AddSingleton<CounterCaller>();
        services.AddSingleton<ICurrentTicket>(sp => sp.GetRequiredService<CounterCaller>());
        services.AddHostedService(sp => sp.GetRequiredService<KioskIssuer>());
        services.AddHostedService(sp => sp.GetRequiredService<CounterCaller>());
        services.AddHostedService<QueueButtons>();
        return services;
    }
}
