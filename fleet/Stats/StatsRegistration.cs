using System.Globalization;
using System.Security.Claims;
using Edge.Fleet.Centres;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using Edge.Fleet.Web;
using Edge.Wire;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Edge.Fleet.Stats;

public static class StatsRegistration
{
    /// <summary>
    /// <c>GET /api/v1/stats/ratings?centre=|province=&amp;counter=&amp;field=&amp;device=&amp;from=&amp;to=</c>: every parameter optional;
    /// from/to as on every statistics endpoint (<see cref="StatsWindow"/>: dates are whole centre days, to included;
    /// instants with to excluded), no bound = no limit. Suspect presses are not counted. A manager sees only their
    /// centres' devices (403 for another centre), a province officer their provinces' (<see cref="StatsScope"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/stats/ratings", GetRatingsAsync);
        return app;
    }

    private static async Task<Results<Ok<RatingStatsView>, BadRequest<ErrorView>, ForbidHttpResult>> GetRatingsAsync(
        IEventStore store, DeviceRegistry registry, RatingBreakdown breakdown, ICentreDirectory directory, ClaimsPrincipal user,
        string? centre, string? province, string? counter, string? field, string? device, string? from, string? to, CancellationToken cancellationToken)
    {
        if (StatsScope.Resolve(user, directory, centre, province, out var forbidden, out var scopeError) is not { } scope)
        {
            return forbidden ? TypedResults.Forbid() : TypedResults.BadRequest(new ErrorView(scopeError!));
        }

        if (!StatsWindow.TryParse(from, nameof(from), isEnd: false, breakdown.Zone, out var fromTime, out var error)
            || !StatsWindow.TryParse(to, nameof(to), isEnd: true, breakdown.Zone, out var toTime, out error))
        {
            return TypedResults.BadRequest(new ErrorView(error!));
        }

        var counts = await ScopedRatingCounts.CountAsync(store, registry, user, scope.Centres, new RatingFilter(counter, field, device, fromTime, toTime), cancellationToken);
        if (counts is null)
        {
            return TypedResults.Forbid();
        }

        var index = counts.Index is { } share ? Math.Round(share, 4) : (double?)null;
        return TypedResults.Ok(new RatingStatsView(counts.Total, RatingLevels.ByNumber(counts.ByLevel), index, RatingLevels.Of(counts.ByLevel)));
    }
}
