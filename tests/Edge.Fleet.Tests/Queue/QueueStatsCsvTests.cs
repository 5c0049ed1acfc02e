using Edge.Fleet.Queue;

namespace Edge.Fleet.Tests.Queue;

public sealed class QueueStatsCsvTests
{
    private static QueueTicket Ticket(string day, string number, string field, string? counter, int waitS, int serviceS, bool priority = false)
    {
        var issued = new DateTime(2026, 11, 21, 1, 0, 0, DateTimeKind.Utc);
        return new QueueTicket
        {
            Id = QueueTicket.IdOf("c1", day, number), CentreDay = QueueTicket.KeyOf("c1", day), Centre = "c1", Day = day, Number = number, Field = field,
            IssuedAt = issued, Counter = counter, CalledAt = counter is null ? null : issued.AddSeconds(waitS),
            ServedAt = counter is null ? null : issued.AddSeconds(waitS + serviceS), State = counter is null ? TicketStates.Waiting : TicketStates.Served,
            Priority = priority,
        };
    }

    [Fact]
    public void Statistics_over_a_range_are_grouped_per_centre_field_counter_and_day_and_written_as_csv()
    {
        QueueTicket[] tickets =
        [
            Ticket("2026-11-21", "A001", "Tư pháp", "1", 60, 300),
            Ticket("2026-11-22", "A001", "Tư pháp", "2", 180, 100, priority: true),
            Ticket("2026-11-22", "B001", "Đất đai, nhà ở", null, 0, 0),
        ];

        var stats = QueueFigures.Stats("c1", "2026-11-21", "2026-11-22", tickets);
        var csv = QueueStatsCsv.Write(stats);
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal((3, 2, 1, 1, 120.0), (stats.All.Issued, stats.All.Served, stats.All.Waiting, stats.All.Priority, stats.All.WaitAvgS));
        Assert.Equal(["2026-11-21", "2026-11-22"], stats.ByDay.Select(d => d.Key));
        Assert.Equal(QueueStatsCsv.Header, lines[0]);
        Assert.Equal("c1,2026-11-21,2026-11-22,centre,c1,3,1,2,2,0,1,0,0,120,180,200,0,", lines[1]);
        Assert.Contains("c1,2026-11-21,2026-11-22,field,\"Đất đai, nhà ở\",1,0,0,0,0,1,0,0,,,,0,", lines);
        Assert.Contains(lines, l => l.StartsWith("c1,2026-11-21,2026-11-22,counter,2,1,1,1,1,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("c1,2026-11-21,2026-11-22,day,2026-11-22,2,", StringComparison.Ordinal));
        Assert.Equal(1 + 1 + 2 + 2 + 2, lines.Length);
    }
}
