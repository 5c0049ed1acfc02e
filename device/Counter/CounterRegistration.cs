using Edge.Device.Configuration;

namespace Edge.Device.Counter;

/// <summary>The rating buttons and the recorder that turns presses into outbox events (options section "Rating"). Needs an <see cref="ICurrentTicket"/> (the queue's) and the GPIO controller (<c>AddGpio</c>).</summary>
public static class CounterRegistration
{
    public static IServiceCollection AddCounter(this IServiceCollection services)
    {
        services.AddListedOptions<RatingOptions>(RatingOptions.Section);
        services.PostConfigure<RatingOptions>(RatingOptions.UseDefaultPinsWhenEmpty);
        services.AddSingleton<RatingRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<RatingRecorder>());
        services.AddSingleton<RatingPanel>();
        services.AddHostedService(sp => sp.GetRequiredService<RatingPanel>());
        return services;
    }
}
