using Edge.Fleet.Hall;
using Edge.Fleet.Queue;

namespace Edge.Fleet.Tests.Hall;

public sealed class HallBoardBuilderTests
{
    private static readonly DateTime T0 = new(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_board_has_the_latest_calls_newest_first_the_numbers_served_and_the_people_waiting_per_field()
    {
        QueueTicket[] tickets =
        [
            Ticket("A001", "Đất đai", TicketStates.Served, "1", T0.AddMinutes(1)),
            Ticket("A002", "Đất đai", TicketStates.Called, "3", T0.AddMinutes(2)),
            Ticket("A003", "Đất đai", TicketStates.Waiting),
            Ticket("B001", "Tư pháp", TicketStates.Waiting),
            Ticket("B002", "Tư pháp", TicketStates.Waiting),
        ];

        var board = HallBoardBuilder.Build("centre-1", "2026-03-02", tickets, calls: 10, new DateTimeOffset(T0.AddMinutes(3)));

        Assert.Equal(["A002→3", "A001→1"], board.Calls.Select(c => $"{c.Number}→{c.Counter}"));
        Assert.Equal(TimeSpan.Zero, board.Calls[0].At.Offset);
        Assert.Equal(T0.AddMinutes(2), board.Calls[0].At.UtcDateTime);
        Assert.Equal("A002", Assert.Single(board.Serving).Number);
        Assert.Equal([("Tư pháp", 2), ("Đất đai", 1)], board.Waiting.Select(w => (w.Field, w.Count)).OrderBy(w => w.Field, StringComparer.Ordinal));
    }

    private static QueueTicket Ticket(string number, string field, string state, string? counter = null, DateTime? assigned = null) => new()
    {
        Number = number, Field = field, State = state, Counter = counter, AssignedAt = assigned, CalledAt = assigned, IssuedAt = T0,
    };
}
