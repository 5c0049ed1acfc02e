using Edge.Hosting;

namespace Edge.Fleet.Hall;

public static class HallRegistration
{
    /// <summary>The hall displays' boards, published from the centres' queues (needs AddQueue).</summary>
    public static IHostApplicationBuilder AddHallBoards(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<HallOptions>(HallOptions.Section);
        builder.Services.AddHostedService<HallBoardPublisher>();
        return builder;
    }
}
