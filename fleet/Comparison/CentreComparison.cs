using System.Security.Claims;
using Edge.Fleet.Auth;
using Edge.Fleet.Centres;
using Edge.Fleet.Federation;
using Edge.Fleet.Queue;
using Edge.Fleet.Registry;
using Edge.Fleet.Reports;
using Edge.Fleet.Stats;
using Edge.Fleet.Store;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Comparison;

/// <summary>
/// Ranks the centres of a province, or the provinces of the nation, over whole days: satisfaction index (the same
/// counting as every statistics endpoint, <see cref="ScopedRatingCounts"/>), ratings per counter-hour (ratings over
/// the opening hours of the counter devices), waiting time average and 95th percentile of the tickets called
/// (<see cref="CentreReportBuilder.Figures"/>), and device health: the share of opening minutes the devices were
/// online (<see cref="CentreReportBuilder.AvailabilityAsync"/>, the report's computation). Each row carries its
/// target (<see cref="ComparisonOptions"/>) and whether it falls short. Only centres the caller sees are counted.
/// Centres forwarded by lower fleets (<see cref="IFederationStore.ListForwardedDevicesAsync"/>) count with their
/// forwarded devices' ratings, in the province the directory gives them (fleet/Federation enters it).
/// </summary>
public sealed class CentreComparison(
    IEventStore events, DeviceRegistry registry, IQueueStore queue, CentreReportBuilder reports, ICentreDirectory directory,
    IFederationStore federation, IOptions<ComparisonOptions> options)
{
    public const string ByCentre = "centre";
    public const string ByProvince = "province";

    /// <summary>
    /// The ranking of <paramref name="scope"/>'s centres: per centre when <paramref name="province"/> is given, else per
    /// province (centres outside the directory form the row <see cref="StatsScope.NoProvince"/>).
    /// </summary>
    public async Task<ComparisonView> CompareAsync(
        ClaimsPrincipal user, StatsScope scope, string? province, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        var from = StatsWindow.StartOf(firstDay, reports.Zone);
        var to = StatsWindow.StartOf(lastDay.AddDays(1), reports.Zone);
        var forwarded = (await federation.ListForwardedDevicesAsync(cancellationToken))
            .Where(d => CentreScope.MaySee(user, d.Centre)).ToLookup(d => d.Centre, d => d.StoredAs, StringComparer.Ordinal);
        var centres = scope.CentresWithDevices(registry, directory, forwarded.Select(g => g.Key));
        var level = province is null ? ByProvince : ByCentre;
        var groups = centres.GroupBy(c => level == ByCentre ? c.Centre : c.Province).ToList();
        var rows = new List<ComparisonRow>();
        foreach (var group in groups)
        {
            var ids = group.Select(c => c.Centre).ToHashSet(StringComparer.Ordinal);
            var provinceCode = group.First().Province;
            rows.Add(await RowAsync(user, level, group.Key, provinceCode, ids, forwarded, firstDay, lastDay, from, to, cancellationToken));
        }

        var ranked = rows.OrderByDescending(r => r.Index ?? -1).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Select((r, i) => r with { Rank = i + 1 }).ToList();
        return new ComparisonView(level, province, firstDay.ToString(StatsWindow.DateFormat), lastDay.ToString(StatsWindow.DateFormat),
            options.Value.TargetOf(province), ranked, ranked.Where(r => r.BelowTarget).Select(r => r.Key).ToList());
    }

    private async Task<ComparisonRow> RowAsync(
        ClaimsPrincipal user, string level, string key, string province, IReadOnlySet<string> centres, ILookup<string, string> forwarded,
        DateOnly firstDay, DateOnly lastDay, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var filter = new RatingFilter(From: from, To: to);
        var counts = await ScopedRatingCounts.CountAsync(events, registry, user, centres, filter, cancellationToken)
                     ?? new RatingCounts(new Dictionary<int, long>(), 0);
        foreach (var device in centres.SelectMany(c => forwarded[c]))
        {
            counts = Add(counts, await events.CountRatingsAsync(filter with { DeviceId = device }, cancellationToken));
        }

        var tickets = new List<QueueTicket>();
        long onlineMinutes = 0, knownMinutes = 0, counterOpenMinutes = 0;
        foreach (var centre in centres)
        {
            tickets.AddRange(await queue.TicketsBetweenAsync(centre, firstDay.ToString(StatsWindow.DateFormat), lastDay.ToString(StatsWindow.DateFormat), cancellationToken));
            var availability = await reports.AvailabilityAsync(centre, from, to, cancellationToken);
            onlineMinutes += availability.Devices.Sum(d => d.OnlineMinutes);
            knownMinutes += availability.Devices.Sum(d => d.OpenMinutes - d.UnknownMinutes);
            counterOpenMinutes += availability.Devices.Where(d => d.Role == "counter").Sum(d => d.OpenMinutes);
        }

        var waits = CentreReportBuilder.Figures(key, tickets);
        var name = level == ByCentre ? directory.Find(key)?.Name ?? key : ProvinceList.Find(key)?.Name ?? key;
        var target = options.Value.TargetOf(level == ByCentre ? province : key == StatsScope.NoProvince ? null : key);
        var index = counts.Index is { } share ? Math.Round(share, 4) : (double?)null;
        return new ComparisonRow(
            0, key, name, level == ByCentre ? province : key, centres.Count, counts.Total, index, target, index is { } i && i < target,
            counterOpenMinutes > 0 ? Math.Round(counts.Total / (counterOpenMinutes / 60.0), 3) : null,
            waits.Called, waits.WaitAvgS, waits.WaitP95S,
            knownMinutes > 0 ? Math.Round((double)onlineMinutes / knownMinutes, 4) : null);
    }

    private static RatingCounts Add(RatingCounts a, RatingCounts b)
    {
        var byLevel = new Dictionary<int, long>(a.ByLevel);
        foreach (var (level, count) in b.ByLevel)
        {
            byLevel[level] = byLevel.GetValueOrDefault(level) + count;
        }

        return new RatingCounts(byLevel, a.Satisfied + b.Satisfied);
    }
}

/// <summary>
/// Answer of <c>GET /api/v1/comparison</c>: rows ranked by satisfaction index (best first, rows without ratings last),
/// the target, and the keys of the rows below it.
/// </summary>
public sealed record ComparisonView(
    string Level, string? Province, string From, string To, double Target, IReadOnlyList<ComparisonRow> Rows, IReadOnlyList<string> BelowTarget);

/// <summary>
/// One centre or province: <see cref="Index"/> share of the top two levels; <see cref="RatingsPerCounterHour"/> ratings
/// over the counter devices' opening hours that have passed; waits in seconds (tickets called); <see cref="DeviceHealth"/>
/// share of the opening minutes the devices were online (null: no known minutes).
/// </summary>
public sealed record ComparisonRow(
    int Rank, string Key, string Name, string Province, int Centres, long Ratings, double? Index, double Target, bool BelowTarget,
    double? RatingsPerCounterHour, int TicketsCalled, double? WaitAvgS, double? WaitP95S, double? DeviceHealth);
