using System.Globalization;
using System.Security.Claims;
using Edge.Fleet.Alerts;
using Edge.Fleet.Auth;
using Edge.Fleet.Broker;
using Edge.Fleet.Health;
using Edge.Fleet.Queue;
using Edge.Fleet.Registry;
using Edge.Fleet.Stats;
using Edge.Fleet.Store;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Reports;

/// <summary>
/// Builds a <see cref="CentreReport"/> from the stores (whichever engine is selected): ratings through the same
/// counting as the statistics endpoints (<see cref="ScopedRatingCounts"/>, <see cref="RatingBreakdown"/>), tickets from
/// the queue store's lists of those days, availability from the heartbeat history, alerts from the alert store.
/// Who may see the centre is the caller's business (the endpoint checks it; the schedule mails the centre's managers).
/// </summary>
public sealed class CentreReportBuilder(
    IEventStore events,
    RatingBreakdown breakdown,
    DeviceRegistry registry,
    IQueueStore queue,
    IHealthStore health,
    IAlertStore alerts,
    CentreRuleResolver rules,
    IOptions<HealthOptions> healthOptions,
    IOptions<ReportOptions> options,
    TimeProvider time)
{
    /// <summary>Local hours shown on the heatmap (06:00 to 19:59): a one-stop shop's day with margins.</summary>
    public const int FirstHour = 6;
    public const int LastHour = 19;

    /// <summary>The fleet's own view, every centre: the report of one centre is counted over that centre's devices.</summary>
    private static readonly ClaimsPrincipal Fleet = new(new ClaimsIdentity([new Claim(ClaimTypes.Role, UserRoles.Administrator)], "report"));

    public TimeZoneInfo Zone => breakdown.Zone;

    /// <summary>Today in the centres' time zone.</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Zone).DateTime);

    public async Task<CentreReport> BuildAsync(string centre, ReportPeriod period, CancellationToken cancellationToken)
    {
        var from = period.Start(Zone);
        var to = period.End(Zone);
        return new CentreReport(
            centre, period.Kind, period.FromDay, period.ToDay, from, to, time.GetUtcNow(),
            await SatisfactionAsync(centre, from, to, cancellationToken),
            await TicketsAsync(centre, period, cancellationToken),
            await AvailabilityAsync(centre, from, to, cancellationToken),
            await AlertsAsync(centre, from, to, cancellationToken));
    }

    private async Task<ReportSatisfaction> SatisfactionAsync(string centre, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        RatingBreakdown.RatingCounter count = async (filter, token) =>
            await ScopedRatingCounts.CountAsync(events, registry, Fleet, centre, filter, token) ?? new RatingCounts(new Dictionary<int, long>(), 0);
        var byCounter = await breakdown.BreakdownAsync(RatingBreakdown.ByCounter, from, to, null, null, cancellationToken, count);
        var byField = await breakdown.BreakdownAsync(RatingBreakdown.ByField, from, to, null, null, cancellationToken, count);
        var byDay = await breakdown.BreakdownAsync(RatingBreakdown.ByDay, from, to, null, null, cancellationToken, count);

        var days = new List<HeatmapDay>();
        foreach (var day in byDay.Groups)
        {
            var hours = new long[LastHour - FirstHour + 1];
            if (day.Total > 0)
            {
                var midnight = StatsWindow.StartOf(DateOnly.ParseExact(day.Key, StatsWindow.DateFormat, CultureInfo.InvariantCulture), Zone);
                for (var hour = FirstHour; hour <= LastHour; hour++)
                {
                    var start = midnight.AddHours(hour);
                    var counts = await count(new RatingFilter(From: start, To: start.AddHours(1)), cancellationToken);
                    hours[hour - FirstHour] = counts.Total;
                }
            }

            days.Add(new HeatmapDay(day.Key, hours));
        }

        return new ReportSatisfaction(options.Value.SatisfactionTarget, byCounter.Total, byCounter.Groups, byField.Groups, byDay.Groups,
            new RatingHeatmap(FirstHour, LastHour, days));
    }

    private async Task<ReportTickets> TicketsAsync(string centre, ReportPeriod period, CancellationToken cancellationToken)
    {
        var tickets = await queue.TicketsBetweenAsync(centre, period.FromDay, period.ToDay, cancellationToken);
        return new ReportTickets(
            Figures("all", tickets),
            tickets.GroupBy(t => t.Field).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Figures(g.Key, g.ToList())).ToList());
    }

    /// <summary>Waiting time as <see cref="QueueFigures"/> counts it (called − issued, device times, seconds to 3 decimals).</summary>
    public static TicketFigures Figures(string key, IReadOnlyList<QueueTicket> tickets)
    {
        var waits = tickets.Where(t => t.CalledAt is not null).Select(t => Math.Round((t.CalledAt!.Value - t.IssuedAt).TotalSeconds, 3)).Order().ToList();
        return new TicketFigures(
            key,
            tickets.Count,
            waits.Count,
            tickets.Count(t => t.State == TicketStates.Served),
            waits.Count == 0 ? null : Math.Round(waits.Average(), 3),
            waits.Count == 0 ? null : waits[(int)Math.Ceiling(0.95 * waits.Count) - 1]);
    }

    /// <summary>Availability of the centre's active devices in its opening hours of [<paramref name="from"/>, <paramref name="to"/>) (also the comparison's device health, fleet/Comparison).</summary>
    public async Task<ReportAvailability> AvailabilityAsync(string centre, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var centreRules = rules.For(centre);
        var now = time.GetUtcNow();
        var silence = healthOptions.Value.SilenceLimit;
        var historyStart = now - TimeSpan.FromHours(healthOptions.Value.HistoryHours);
        var devices = new List<DeviceAvailability>();
        foreach (var device in registry.ActiveDevicesOf(centre))
        {
            var end = to < now ? to : now;
            var samples = end > from
                ? await health.HistoryAsync(device.Id, from - silence, end, int.MaxValue, cancellationToken)
                : [];
            var (open, online, unknown) = DeviceAvailabilityCalculator.Count(centreRules, from, to, now, historyStart, silence, samples.Select(s => s.ReceivedAt));
            devices.Add(new DeviceAvailability(device.Id, device.Counter, device.Role, open, online, unknown, Share(online, open - unknown)));
        }

        var known = devices.Sum(d => d.OpenMinutes - d.UnknownMinutes);
        return new ReportAvailability(centreRules.Rules.OpeningHours, devices, Share(devices.Sum(d => d.OnlineMinutes), known));
    }

    private async Task<ReportAlerts> AlertsAsync(string centre, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var opened = (await alerts.HistoryAsync(from, int.MaxValue, cancellationToken))
            .Where(a => a.Centre == centre && a.OpenedAt >= from && a.OpenedAt < to)
            .ToList();
        return new ReportAlerts(
            AlertFigures("all", opened),
            opened.GroupBy(a => a.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => AlertFigures(g.Key, g.ToList())).ToList());
    }

    private static AlertFigures AlertFigures(string key, IReadOnlyList<Alert> opened)
    {
        var minutes = opened.Where(a => a.ResolvedAt is not null).Select(a => (a.ResolvedAt!.Value - a.OpenedAt).TotalMinutes).ToList();
        return new AlertFigures(
            key, opened.Count, minutes.Count, opened.Count - minutes.Count,
            minutes.Count == 0 ? null : Math.Round(minutes.Average(), 1),
            minutes.Count == 0 ? null : Math.Round(minutes.Max(), 1));
    }

    private static double? Share(int part, int whole) => whole <= 0 ? null : Math.Round((double)part / whole, 4);
}
