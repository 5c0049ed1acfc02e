using Edge.Wire;

namespace Edge.Fleet.Queue;

/// <summary>Turns a queue day's tickets into the views of the API: ticket list, hall calls, statistics.</summary>
public static class QueueFigures
{
    public static TicketView View(QueueTicket t) => new(
        t.Number, t.Field, t.Kiosk, t.State, t.Counter, t.IssuedAt, t.AssignedAt, t.CallOrder, t.CalledAt, t.ServedAt, t.SkippedAt, t.RecalledAt.Count,
        Seconds(t.IssuedAt, t.CalledAt), t.CalledAt is { } called ? Seconds(called, t.ServedAt) : null, t.RatingLevel)
    {
        Priority = t.Priority, Transfers = t.Transfers, Returned = t.ReturnedAt is not null, TargetCounter = t.TargetCounter,
    };

    /// <summary>The latest calls and recalls, newest first.</summary>
    public static IReadOnlyList<HallCall> HallCalls(IEnumerable<QueueTicket> tickets, int limit) =>
        tickets.Where(t => t.Counter is not null && (t.AssignedAt ?? t.CalledAt) is not null)
            .SelectMany(t => t.RecalledAt.Select(r => new HallCall(t.Number, t.Field, t.Counter!, r, Recall: true))
                .Append(new HallCall(t.Number, t.Field, t.Counter!, (t.AssignedAt ?? t.CalledAt)!.Value, Recall: false)))
            .OrderByDescending(c => c.At)
            .Take(limit)
            .ToList();

    public static QueueStatsView Stats(string centre, string day, IReadOnlyList<QueueTicket> tickets) => Stats(centre, day, day, tickets);

    public static QueueStatsView Stats(string centre, string from, string to, IReadOnlyList<QueueTicket> tickets) => new(
        centre,
        from,
        Group("all", tickets),
        GroupsBy(tickets, t => t.Field),
        GroupsBy(tickets, t => t.Counter))
    {
        From = from,
        To = to,
        ByDay = GroupsBy(tickets, t => t.ListDay),
    };

    /// <summary>
    /// Figures of several centres together (a province, <paramref name="scope"/> its code): counters are named
    /// "{centre}/{counter}" (two centres both have a counter 1), and <see cref="QueueStatsView.ByCentre"/> has each centre.
    /// </summary>
    public static QueueStatsView Stats(string scope, string from, string to, IReadOnlyList<QueueTicket> tickets, bool severalCentres) =>
        !severalCentres ? Stats(scope, from, to, tickets) : Stats(scope, from, to, tickets) with
        {
            ByCounter = GroupsBy(tickets, t => t.Counter is null ? null : $"{t.Centre}/{t.Counter}"),
            ByCentre = GroupsBy(tickets, t => t.Centre),
        };

    private static List<QueueGroupStats> GroupsBy(IReadOnlyList<QueueTicket> tickets, Func<QueueTicket, string?> key) =>
        tickets.Select(t => (Key: key(t), Ticket: t)).Where(x => x.Key is not null).GroupBy(x => x.Key!)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Group(g.Key, g.Select(x => x.Ticket).ToList())).ToList();

    private static QueueGroupStats Group(string key, IReadOnlyList<QueueTicket> tickets)
    {
        var waits = tickets.Select(t => Seconds(t.IssuedAt, t.CalledAt)).OfType<double>().ToList();
        var services = tickets.Select(t => t.CalledAt is { } c ? Seconds(c, t.ServedAt) : null).OfType<double>().ToList();
        var rated = tickets.Where(t => t.RatingLevel is not null && t.RatingScale is not null).ToList();
        var satisfied = rated.Count(t => RatingScale.IsSatisfied(t.RatingLevel!.Value, t.RatingScale!.Value));
        return new QueueGroupStats(
            key,
            tickets.Count,
            tickets.Count(t => t.CalledAt is not null),
            tickets.Count(t => t.State == TicketStates.Served),
            tickets.Count(t => t.State == TicketStates.Skipped),
            tickets.Count(t => t.State == TicketStates.Waiting),
            waits.Count == 0 ? null : Math.Round(waits.Average(), 3),
            waits.Count == 0 ? null : Math.Round(waits.Max(), 3),
            services.Count == 0 ? null : Math.Round(services.Average(), 3),
            rated.Count,
            rated.Count == 0 ? null : Math.Round((double)satisfied / rated.Count, 4))
        {
            Priority = tickets.Count(t => t.Priority),
            Transferred = tickets.Count(t => t.Transfers > 0),
            Returned = tickets.Count(t => t.ReturnedAt is not null),
        };
    }

    private static double? Seconds(DateTime from, DateTime? to) => to is { } end ? Math.Round((end - from).TotalSeconds, 3) : null;
}
