using Edge.Fleet.Queue;

namespace Edge.Fleet.Tests.Queue;

public sealed class QueueStatsCsvTests
{
    private static QueueTicket Ticket(string day, string number, string field, string? counter, int waitS, int serviceS, bool priority = false, string centre = "c1")
    {
        var issued = new DateTime(2026, 11, 21, 1, 0, 0, DateTimeKind.Utc);
        return new QueueTicket
        {
            Id = QueueTicket.IdOf(centre, day, number), CentreDay = QueueTicket.KeyOf(centre, day), Centre = centre, Day = day, Number = number, Field = field,
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

    [Fact]
    public void A_provinces_figures_keep_each_centres_counters_apart_and_list_its_centres()
    {
        QueueTicket[] tickets =
        [
            Ticket("2026-11-21", "A001", "Tư pháp", "1", 60, 300, centre: "c1"),
            Ticket("2026-11-21", "A001", "Tư pháp", "1", 120, 100, centre: "c2"),
            Ticket("2026-11-21", "A002", "Tư pháp", null, 0, 0, centre: "c2"),
        ];

        var stats = QueueFigures.Stats("01", "2026-11-21", "2026-11-21", tickets, severalCentres: true);
        var lines = QueueStatsCsv.Write(stats).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(("01", 3, 2, 90.0), (stats.Centre, stats.All.Issued, stats.All.Served, stats.All.WaitAvgS));
        Assert.Equal([("c1", 1), ("c2", 2)], stats.ByCentre.Select(c => (c.Key, c.Issued)));
        Assert.Equal([("c1/1", 60.0), ("c2/1", 120.0)], stats.ByCounter.Select(c => (c.Key, c.WaitAvgS ?? 0)));
        Assert.Contains(lines, l => l.StartsWith("01,2026-11-21,2026-11-21,centre,c2,2,", StringComparison.Ordinal));
        Assert.Empty(QueueFigures.Stats("c1", "2026-11-21", "2026-11-21", tickets[..1]).ByCentre);
    }
}
