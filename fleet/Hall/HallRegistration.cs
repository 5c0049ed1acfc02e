using Microsoft.Extensions.Options;

namespace Edge.Fleet.Hall;

public static class HallRegistration
{
    /// <summary>The hall displays' boards, published from the centres' queues (needs AddQueue).</summary>
    public static IHostApplicationBuilder AddHallBoards(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HallOptions>().BindConfiguration(HallOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HallOptions>, HallOptionsValidator>();
        builder.Services.AddHostedService<HallBoardPublisher>();
        return builder;
    }
}
