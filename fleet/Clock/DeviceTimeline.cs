using Edge.Fleet.Health;
using Edge.Fleet.Store;
using Edge.Wire;

namespace Edge.Fleet.Clock;

/// <summary>
/// When a device's event really happened: its own time when its clock was synchronised, otherwise the time the latest
/// heartbeat of the same host run gives its uptime (see <see cref="ClockAnchor"/>), or unknown when no heartbeat of
/// that run has been seen.
/// </summary>
public sealed class DeviceTimeline(HeartbeatBoard board)
{
    /// <summary>The anchor a heartbeat gives its run: exact on a synchronised clock, else the heartbeat's arrival.</summary>
    public static ClockAnchor AnchorOf(HealthSample sample)
    {
        var report = sample.Report;
        return report.ClockSynced
            ? new ClockAnchor(sample.DeviceId, report.Run!, report.At, report.UptimeMs!.Value, Exact: true)
            : new ClockAnchor(sample.DeviceId, report.Run!, sample.ReceivedAt, report.UptimeMs!.Value, Exact: false);
    }

    /// <summary>Whether a heartbeat can anchor its run (hosts before runs were introduced cannot).</summary>
    public static bool CanAnchor(HealthSample sample) => sample.Report is { Run: not null, UptimeMs: not null };

    public DateTimeOffset? TrueTimeOf(string deviceId, DeviceEvent e)
    {
        if (e.ClockSynced != false)
        {
            return e.At;
        }

        return e.Run is not null && board.Latest(deviceId) is { } latest && CanAnchor(latest) && latest.Report.Run == e.Run
            ? new DateTimeOffset(AnchorOf(latest).TimeOf(e.UptimeMs), TimeSpan.Zero)
            : null;
    }
}
