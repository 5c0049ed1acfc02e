using Edge.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Edge.Fleet.Demo;

public static class DemoRegistration
{
    /// <summary>The demo's simulated counters and citizens; inert unless Demo:Devices &gt; 0.</summary>
    public static IHostApplicationBuilder AddDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<DemoOptions>(DemoOptions.Section);
        builder.Services.TryAddSingleton<IDemoEnrolment, ClaimCodeDemoEnrolment>();
        builder.Services.AddSingleton<DemoDevices>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoDevices>());
        builder.Services.AddHostedService<SimulatedCitizens>();
        return builder;
    }
}
