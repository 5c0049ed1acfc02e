using Edge.Fleet.Health;
using Edge.Fleet.Metrics;

namespace Edge.Fleet.Clock;

public static class ClockRegistration
{
    /// <summary>Clock placement: the device timeline, the placer (a heartbeat subscriber of Health) and its meter; needs <c>AddHealth</c>.</summary>
    public static IHostApplicationBuilder AddClock(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DeviceTimeline>();
        builder.Services.AddSingleton<RatingTimePlacer>();
        builder.Services.AddSingleton<IHeartbeatSubscriber>(sp => sp.GetRequiredService<RatingTimePlacer>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RatingTimePlacer>());
        builder.Services.AddFeatureMeter<ClockMetrics>();
        return builder;
    }
}
