using System.Globalization;
using System.Security.Claims;
using Edge.Fleet.Auth;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using System.Text;
using Edge.Fleet.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Edge.Fleet.Stats;

public static class RatingBreakdownEndpoints
{
    /// <summary>
    /// <c>GET /api/v1/stats/ratings/daily?from=&amp;to=&amp;groupBy=counter|field|day&amp;centre=&amp;counter=&amp;field=</c> (JSON)
    /// and the same at <c>.../daily.csv</c>. from/to as on every statistics endpoint (<see cref="StatsWindow"/>);
    /// default the last 7 days. At most 400 days. A manager asking for another centre gets 403.
    /// </summary>
    public static IEndpointRouteBuilder MapRatingBreakdownApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/stats/ratings/daily", async (string? from, string? to, string? groupBy, string? centre, string? counter, string? field,
            RatingBreakdown breakdown, TimeProvider time, IEventStore store, DeviceRegistry registry, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        {
            if (centre is not null && !CentreScope.MaySee(user, centre))
            {
                return (Results<Ok<RatingBreakdownView>, BadRequest<ErrorView>, ForbidHttpResult>)TypedResults.Forbid();
            }

            var result = await QueryAsync(from, to, groupBy, counter, field, breakdown, time, Scoped(store, registry, user, centre), cancellationToken);
            if (result.View is not { } view)
            {
                return TypedResults.BadRequest(result.Error!);
            }

            return TypedResults.Ok(view);
        });
        app.MapGet("/api/v1/stats/ratings/daily.csv", async (string? from, string? to, string? groupBy, string? centre, string? counter, string? field,
            RatingBreakdown breakdown, TimeProvider time, IEventStore store, DeviceRegistry registry, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        {
            if (centre is not null && !CentreScope.MaySee(user, centre))
            {
                return (Results<FileContentHttpResult, BadRequest<ErrorView>, ForbidHttpResult>)TypedResults.Forbid();
            }

            var result = await QueryAsync(from, to, groupBy, counter, field, breakdown, time, Scoped(store, registry, user, centre), cancellationToken);
            if (result.View is not { } view)
            {
                return TypedResults.BadRequest(result.Error!);
            }

            var name = $"ratings-by-{view.GroupBy}-{breakdown.LocalDate(view.From):yyyy-MM-dd}.csv";
            return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(ToCsv(view))).ToArray(), "text/csv; charset=utf-8", name);
        });
        return app;
    }

    /// <summary>One row per group then the total; levels as columns; the index as a share (0..1) with a dot.</summary>
    public static string ToCsv(RatingBreakdownView view)
    {
        var levels = view.Total.ByLevel.Keys.ToList();
        var csv = new StringBuilder();
        csv.Append(view.GroupBy).Append(",total,").AppendJoin(',', levels.Select(l => "level" + l)).Append(",index\r\n");
        foreach (var row in view.Groups.Append(view.Total))
        {
            csv.Append(Quote(row.Key)).Append(',').Append(row.Total.ToString(CultureInfo.InvariantCulture)).Append(',')
                .AppendJoin(',', levels.Select(l => row.ByLevel.GetValueOrDefault(l).ToString(CultureInfo.InvariantCulture)))
                .Append(',').Append(row.Index?.ToString("0.####", CultureInfo.InvariantCulture) ?? "")
                .Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 || value.StartsWith('=') ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    /// <summary>Counts limited to the caller's centres (every centre for administrators and technicians).</summary>
    private static RatingBreakdown.RatingCounter Scoped(IEventStore store, DeviceRegistry registry, ClaimsPrincipal user, string? centre) =>
        async (filter, cancellationToken) => await ScopedRatingCounts.CountAsync(store, registry, user, centre, filter, cancellationToken)
            ?? new RatingCounts(new Dictionary<int, long>(), 0);

    private static async Task<(RatingBreakdownView? View, ErrorView? Error)> QueryAsync(
        string? from, string? to, string? groupBy, string? counter, string? field, RatingBreakdown breakdown, TimeProvider time,
        RatingBreakdown.RatingCounter count, CancellationToken cancellationToken)
    {
        var by = string.IsNullOrEmpty(groupBy) ? RatingBreakdown.ByDay : groupBy;
        if (by is not (RatingBreakdown.ByCounter or RatingBreakdown.ByField or RatingBreakdown.ByDay))
        {
            return (null, new ErrorView($"groupBy must be counter, field or day (got '{groupBy}')"));
        }

        var today = DateOnly.FromDateTime(breakdown.LocalDate(time.GetUtcNow()).DateTime);
        if (!StatsWindow.TryParse(from, nameof(from), isEnd: false, breakdown.Zone, out var fromBound, out var error)
            || !StatsWindow.TryParse(to, nameof(to), isEnd: true, breakdown.Zone, out var toBound, out error))
        {
            return (null, new ErrorView(error!));
        }

        var fromTime = fromBound ?? StatsWindow.StartOf(today.AddDays(-6), breakdown.Zone);
        var toTime = toBound ?? StatsWindow.StartOf(today.AddDays(1), breakdown.Zone);
        if (toTime <= fromTime || toTime - fromTime > TimeSpan.FromDays(RatingBreakdown.MaxDays))
        {
            return (null, new ErrorView($"to must be after from, at most {RatingBreakdown.MaxDays} days later"));
        }

        return (await breakdown.BreakdownAsync(by, fromTime, toTime, counter, field, cancellationToken, count), null);
    }
}
