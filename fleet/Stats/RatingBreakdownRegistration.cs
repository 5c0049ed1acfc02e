using Edge.Fleet.Web;

namespace Edge.Fleet.Stats;

public static class RatingBreakdownRegistration
{
    /// <summary>Ratings per counter, field and day (needs <c>AddHealth</c> for the catalog and <c>AddAlerts</c> for the time zone).</summary>
    public static IHostApplicationBuilder AddRatingBreakdown(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RatingBreakdown>();
        builder.Services.AddApiJson(StatsJson.Default);
        return builder;
    }
}
