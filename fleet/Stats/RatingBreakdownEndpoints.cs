using System.Globalization;
using System.Security.Claims;
using Edge.Fleet.Centres;
using Microsoft.AspNetCore.Mvc;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using System.Text;
using Edge.Fleet.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Edge.Fleet.Stats;

public static class RatingBreakdownEndpoints
{
    /// <summary>
    /// <c>GET /api/v1/stats/ratings/daily?from=&amp;to=&amp;groupBy=province|centre|field|counter|day&amp;centre=|province=&amp;counter=&amp;field=</c> (JSON)
    /// and the same at <c>.../daily.csv</c>. from/to as on every statistics endpoint (<see cref="StatsWindow"/>);
    /// default the last 7 days. At most 400 days. A manager asking for another centre gets 403 (<see cref="StatsScope"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapRatingBreakdownApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/stats/ratings/daily", async ([AsParameters] BreakdownQuery query) =>
            await QueryAsync(query) switch
            {
                ({ } view, _, _) => Results.Json(view, StatsJson.Default.RatingBreakdownView),
                (_, true, _) => Results.Forbid(),
                (_, _, var error) => Results.BadRequest(error),
            });
        app.MapGet("/api/v1/stats/ratings/daily.csv", async ([AsParameters] BreakdownQuery query) =>
            await QueryAsync(query) switch
            {
                ({ } view, _, _) => Results.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(ToCsv(view))).ToArray(), "text/csv; charset=utf-8",
                    $"ratings-by-{view.GroupBy}-{query.Breakdown.LocalDate(view.From):yyyy-MM-dd}.csv"),
                (_, true, _) => Results.Forbid(),
                (_, _, var error) => Results.BadRequest(error),
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

    /// <summary>Counts limited to <paramref name="centres"/> (already within the caller's scope; null: every centre).</summary>
    private static RatingBreakdown.RatingCounter Scoped(BreakdownQuery query, IReadOnlySet<string>? centres) =>
        async (filter, cancellationToken) => await ScopedRatingCounts.CountAsync(query.Store, query.Registry, query.User, centres, filter, cancellationToken)
            ?? new RatingCounts(new Dictionary<int, long>(), 0);

    private static async Task<(RatingBreakdownView? View, bool Forbidden, ErrorView? Error)> QueryAsync(BreakdownQuery query)
    {
        var breakdown = query.Breakdown;
        var by = string.IsNullOrEmpty(query.GroupBy) ? RatingBreakdown.ByDay : query.GroupBy;
        if (by is not (RatingBreakdown.ByCounter or RatingBreakdown.ByField or RatingBreakdown.ByDay or RatingBreakdown.ByCentre or RatingBreakdown.ByProvince))
        {
            return (null, false, new ErrorView($"groupBy must be province, centre, field, counter or day (got '{query.GroupBy}')"));
        }

        if (StatsScope.Resolve(query.User, query.Directory, query.Centre, query.Province, out var forbidden, out var scopeError) is not { } scope)
        {
            return (null, forbidden, scopeError is null ? null : new ErrorView(scopeError));
        }

        var today = DateOnly.FromDateTime(breakdown.LocalDate(query.Time.GetUtcNow()).DateTime);
        if (!StatsWindow.TryParse(query.From, "from", isEnd: false, breakdown.Zone, out var fromBound, out var error)
            || !StatsWindow.TryParse(query.To, "to", isEnd: true, breakdown.Zone, out var toBound, out error))
        {
            return (null, false, new ErrorView(error!));
        }

        var fromTime = fromBound ?? StatsWindow.StartOf(today.AddDays(-6), breakdown.Zone);
        var toTime = toBound ?? StatsWindow.StartOf(today.AddDays(1), breakdown.Zone);
        if (toTime <= fromTime || toTime - fromTime > TimeSpan.FromDays(RatingBreakdown.MaxDays))
        {
            return (null, false, new ErrorView($"to must be after from, at most {RatingBreakdown.MaxDays} days later"));
        }

        var cancellationToken = query.Aborted;
        if (by is RatingBreakdown.ByCentre or RatingBreakdown.ByProvince)
        {
            var groups = scope.CentresWithDevices(query.Registry, query.Directory)
                .GroupBy(c => by == RatingBreakdown.ByCentre ? c.Centre : c.Province)
                .Select(g => (g.Key, Scoped(query, g.Select(c => c.Centre).ToHashSet(StringComparer.Ordinal))))
                .ToList();
            return (await breakdown.BreakdownByGroupsAsync(by, fromTime, toTime, query.Counter, query.Field, groups, Scoped(query, scope.Centres), cancellationToken), false, null);
        }

        return (await breakdown.BreakdownAsync(by, fromTime, toTime, query.Counter, query.Field, cancellationToken, Scoped(query, scope.Centres)), false, null);
    }
}

/// <summary>
/// The query of <c>/api/v1/stats/ratings/daily</c> and <c>.../daily.csv</c>: <c>from</c>, <c>to</c>,
/// <c>groupBy</c>, <c>centre</c> or <c>province</c>, <c>counter</c>, <c>field</c>, and what answering it needs.
/// </summary>
public sealed class BreakdownQuery
{
    public string? From { get; init; }

    public string? To { get; init; }

    public string? GroupBy { get; init; }

    public string? Centre { get; init; }

    public string? Province { get; init; }

    public string? Counter { get; init; }

    public string? Field { get; init; }

    [FromServices]
    public required RatingBreakdown Breakdown { get; init; }

    [FromServices]
    public required TimeProvider Time { get; init; }

    [FromServices]
    public required IEventStore Store { get; init; }

    [FromServices]
    public required DeviceRegistry Registry { get; init; }

    [FromServices]
    public required ICentreDirectory Directory { get; init; }

    public required ClaimsPrincipal User { get; init; }

    public required CancellationToken Aborted { get; init; }
}
