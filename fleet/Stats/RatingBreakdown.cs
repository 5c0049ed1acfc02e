using System.Globalization;
using Edge.Fleet.Alerts;
using Edge.Fleet.RatingKeys;
using Edge.Fleet.Store;
using Edge.Wire;
using Microsoft.Extensions.Options;
using Edge.Fleet.Centres;

namespace Edge.Fleet.Stats;

/// <summary>
/// One row of a breakdown: <see cref="Key"/> is the counter, the field or the day (yyyy-MM-dd, centre time);
/// <see cref="Levels"/> repeats <see cref="ByLevel"/> best first with each level's name.
/// </summary>
public sealed record RatingGroupView(string Key, long Total, Dictionary<string, long> ByLevel, double? Index, List<RatingLevelView> Levels);

/// <summary>
/// Answer of <c>GET /api/v1/stats/ratings/daily</c>: the rows, and the whole range's totals (the same figures
/// <c>GET /api/v1/stats/ratings</c> gives for that range).
/// </summary>
public sealed record RatingBreakdownView(string GroupBy, DateTimeOffset From, DateTimeOffset To, List<RatingGroupView> Groups, RatingGroupView Total);

/// <summary>
/// Ratings per counter, per field or per day, built from the event store's own counts
/// (<see cref="IEventStore.CountRatingsAsync"/>, limited to the caller's centres like <see cref="ScopedRatingCounts"/>), so
/// every figure is by construction what the ratings API says for the same filter. Counters and fields come from the <see cref="RatingKeyCatalog"/>; ratings under none of them
/// (no counter or field on the event) form the row "(none)". Days are the centres' local days (<c>Alerts:TimeZone</c>).
/// </summary>
public sealed class RatingBreakdown(IEventStore store, RatingKeyCatalog keys, IOptions<AlertOptions> options)
{
    public const string ByCounter = "counter";
    public const string ByField = "field";
    public const string ByDay = "day";
    public const string ByCentre = "centre";
    public const string ByProvince = "province";
    public const string None = "(none)";
    public const int MaxDays = 400;

    public TimeZoneInfo Zone { get; } = CentreClock.TryFindZone(options.Value.TimeZone, out var zone) ? zone : zone;

    /// <summary>Counts ratings per filter; the endpoints pass one limited to what the caller may see.</summary>
    public delegate Task<RatingCounts> RatingCounter(RatingFilter filter, CancellationToken cancellationToken);

    public async Task<RatingBreakdownView> BreakdownAsync(
        string groupBy, DateTimeOffset from, DateTimeOffset to, string? counter, string? field, CancellationToken cancellationToken,
        RatingCounter? count = null)
    {
        count ??= store.CountRatingsAsync;
        var whole = new RatingFilter(counter, field, null, from, to);
        var total = await count(whole, cancellationToken);
        var groups = new List<RatingGroupView>();
        if (groupBy == ByDay)
        {
            for (var day = LocalDate(from); day < to; day = NextDay(day))
            {
                var end = NextDay(day) < to ? NextDay(day) : to;
                var start = day > from ? day : from;
                var counts = await count(whole with { From = start, To = end }, cancellationToken);
                groups.Add(ToView(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), counts));
            }
        }
        else
        {
            var keyList = groupBy == ByCounter ? keys.Counters : keys.Fields;
            long grouped = 0;
            var levelsGrouped = new Dictionary<int, long>();
            long satisfiedGrouped = 0;
            foreach (var key in keyList)
            {
                var filter = groupBy == ByCounter ? whole with { Counter = key } : whole with { Field = key };
                if ((counter is not null && groupBy == ByCounter && key != counter) || (field is not null && groupBy == ByField && key != field))
                {
                    continue;
                }

                var counts = await count(filter, cancellationToken);
                if (counts.Total == 0)
                {
                    continue;
                }

                groups.Add(ToView(key, counts));
                grouped += counts.Total;
                satisfiedGrouped += counts.Satisfied;
                foreach (var (level, n) in counts.ByLevel)
                {
                    levelsGrouped[level] = levelsGrouped.GetValueOrDefault(level) + n;
                }
            }

            if (total.Total > grouped)
            {
                var rest = total.ByLevel.ToDictionary(p => p.Key, p => p.Value - levelsGrouped.GetValueOrDefault(p.Key));
                groups.Add(ToView(None, new RatingCounts(rest, total.Satisfied - satisfiedGrouped)));
            }
        }

        return new RatingBreakdownView(groupBy, from, to, groups, ToView("total", total));
    }

    /// <summary>
    /// One row per group of centres (<see cref="ByCentre"/>, <see cref="ByProvince"/>), each counted by its own
    /// <paramref name="groups"/> counter (its devices only), and the total by <paramref name="total"/>; groups without
    /// ratings are left out.
    /// </summary>
    public async Task<RatingBreakdownView> BreakdownByGroupsAsync(
        string groupBy, DateTimeOffset from, DateTimeOffset to, string? counter, string? field,
        IReadOnlyList<(string Key, RatingCounter Count)> groups, RatingCounter total, CancellationToken cancellationToken)
    {
        var whole = new RatingFilter(counter, field, null, from, to);
        var rows = new List<RatingGroupView>();
        foreach (var (key, count) in groups)
        {
            var counts = await count(whole, cancellationToken);
            if (counts.Total > 0)
            {
                rows.Add(ToView(key, counts));
            }
        }

        return new RatingBreakdownView(groupBy, from, to, rows, ToView("total", await total(whole, cancellationToken)));
    }

    /// <summary>Midnight, centre time, of the day <paramref name="time"/> falls in.</summary>
    public DateTimeOffset LocalDate(DateTimeOffset time)
    {
        var local = TimeZoneInfo.ConvertTime(time, Zone);
        return new DateTimeOffset(local.Date, local.Offset);
    }

    private DateTimeOffset NextDay(DateTimeOffset midnight) => LocalDate(midnight.AddHours(36));

    private static RatingGroupView ToView(string key, RatingCounts counts)
    {
        return new RatingGroupView(key, counts.Total, RatingLevels.ByNumber(counts.ByLevel), counts.Index is { } share ? Math.Round(share, 4) : null,
            RatingLevels.Of(counts.ByLevel));
    }
}
