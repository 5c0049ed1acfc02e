using System.Globalization;
using System.Security.Claims;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using Edge.Wire;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Edge.Fleet.Stats;

public static class StatsRegistration
{
    /// <summary>
    /// <c>GET /api/v1/stats/ratings?centre=&amp;counter=&amp;field=&amp;device=&amp;from=&amp;to=</c>: every parameter optional;
    /// from/to are ISO 8601 times (UTC when no offset is given), the range half-open [from, to) on the event time.
    /// Suspect presses are not counted. A manager sees only their centres' devices (403 for another centre).
    /// </summary>
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/stats/ratings", GetRatingsAsync);
        return app;
    }

    private static async Task<Results<Ok<RatingStatsView>, BadRequest<ErrorView>, ForbidHttpResult>> GetRatingsAsync(
        IEventStore store, DeviceRegistry registry, ClaimsPrincipal user,
        string? centre, string? counter, string? field, string? device, string? from, string? to, CancellationToken cancellationToken)
    {
        if (!TryParseTime(from, out var fromTime))
        {
            return TypedResults.BadRequest(new ErrorView($"from must be an ISO 8601 time (got '{from}')"));
        }

        if (!TryParseTime(to, out var toTime))
        {
            return TypedResults.BadRequest(new ErrorView($"to must be an ISO 8601 time (got '{to}')"));
        }

        var counts = await ScopedRatingCounts.CountAsync(store, registry, user, centre, new RatingFilter(counter, field, device, fromTime, toTime), cancellationToken);
        if (counts is null)
        {
            return TypedResults.Forbid();
        }

        var levels = Enumerable.Range(1, RatingScale.Default).Union(counts.ByLevel.Keys).Order();
        var byLevel = levels.ToDictionary(l => l.ToString(CultureInfo.InvariantCulture), l => counts.ByLevel.GetValueOrDefault(l));
        var index = counts.Index is { } share ? Math.Round(share, 4) : (double?)null;
        return TypedResults.Ok(new RatingStatsView(counts.Total, byLevel, index));
    }

    private static bool TryParseTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }
}
