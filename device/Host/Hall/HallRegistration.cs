using Edge.Device.Configuration;
using Edge.Device.Queue;
using Edge.Device.Uplink;
using Edge.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Device.Hall;

public static class HallRegistration
{
    /// <summary>Role hall (from the enrolment, or Device:Role): the board from the fleet, the page, the voice.</summary>
    public static HostApplicationBuilder AddHallDisplay(this HostApplicationBuilder builder)
    {
        if (!IsHall(builder.Configuration))
        {
            return builder;
        }

        var services = builder.Services;
        // Validated at start like every checked option; not yet listed on GET /config, whose JSON context
        // (device/Host/Status/EffectiveSettings.cs) would need HallOptions added.
        services.AddCheckedOptions<HallOptions>(HallOptions.Section);
        services.AddSingleton<HallAnnouncer>();
        services.AddHostedService(sp => sp.GetRequiredService<HallAnnouncer>());
        services.AddSingleton(sp => new HallBoardKeeper(
            sp.GetRequiredService<IOptions<DeviceOptions>>().Value.ResolvedDataDir,
            sp.GetRequiredService<HallAnnouncer>(),
            sp.GetRequiredService<ILogger<HallBoardKeeper>>()));
        services.AddSingleton<IDownlinkHandler, HallBoardReceiver>();
        services.AddSingleton<Lan.ILanHandlerSource, HallLanHandler>();
        return builder;
    }

    public static bool IsHall(IConfiguration configuration) => configuration[$"{DeviceRoleOptions.Section}:Role"] == DeviceRoleOptions.Hall;
}
