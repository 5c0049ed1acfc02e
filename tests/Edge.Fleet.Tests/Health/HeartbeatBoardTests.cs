using Edge.Fleet.Health;
using Edge.Wire;

namespace Edge.Fleet.Tests.Health;

public sealed class HeartbeatBoardTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_heartbeat_delivered_late_does_not_replace_a_newer_one()
    {
        var board = new HeartbeatBoard();
        Assert.True(board.Offer(Sample(uptimeS: 120, receivedAt: Now)));

        Assert.False(board.Offer(Sample(uptimeS: 90, receivedAt: Now.AddSeconds(-1))));

        Assert.Equal(120, board.Latest("dev")!.Report.UptimeS);
    }

    [Fact]
    public void A_reboot_resets_uptime_and_still_counts_as_newer()
    {
        var board = new HeartbeatBoard();
        board.Offer(Sample(uptimeS: 5000, receivedAt: Now));

        Assert.True(board.Offer(Sample(uptimeS: 3, receivedAt: Now.AddSeconds(40), at: Now.AddSeconds(40))));

        Assert.Equal(3, board.Latest("dev")!.Report.UptimeS);
    }

    private static HealthSample Sample(long uptimeS, DateTimeOffset receivedAt, DateTimeOffset? at = null) =>
        new("dev", receivedAt, new HealthReport { At = at ?? receivedAt, UptimeS = uptimeS });
}
