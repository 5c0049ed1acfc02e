using Edge.Fleet.Queue;
using Edge.Wire;

namespace Edge.Fleet.Hall;

/// <summary>Makes a centre's hall board from its queue day's tickets: latest calls, numbers served, people waiting.</summary>
public static class HallBoardBuilder
{
    public static HallBoard Build(string centre, string day, IReadOnlyList<QueueTicket> tickets, int calls, DateTimeOffset now) => new(
        centre,
        day,
        now,
        QueueFigures.HallCalls(tickets, calls).Select(c => new BoardCall(c.Number, c.Field, c.Counter, Utc(c.At), c.Recall)).ToList(),
        tickets.Where(t => t.State == TicketStates.Called && t.Counter is not null)
            .OrderBy(t => t.Counter, StringComparer.Ordinal)
            .Select(t => new BoardServing(t.Counter!, t.Number, t.Field))
            .ToList(),
        tickets.GroupBy(t => t.Field)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new BoardWaiting(g.Key, g.Count(t => t.State == TicketStates.Waiting)))
            .ToList());

    /// <summary>The same board whatever its time: what decides whether it must be published again.</summary>
    public static HallBoard Timeless(HallBoard board) => board with { At = DateTimeOffset.UnixEpoch };

    private static DateTimeOffset Utc(DateTime at) => at.Kind switch
    {
        DateTimeKind.Local => new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero),
        _ => new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc), TimeSpan.Zero),
    };
}
