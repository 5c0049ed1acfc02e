using System.Threading.Channels;
using Edge.Fleet.Health;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Leadership;

namespace Edge.Fleet.Clock;

/// <summary>
/// Places in time the ratings a device stamped while its wall clock was not synchronised (a Pi without an RTC
/// after a power cut, before NTP). Every heartbeat names the host's run and its uptime; it becomes an anchor of
/// that run: exact when the device says its clock is synchronised (its own time), estimated otherwise (the time the
/// heartbeat arrived, off by the network delay). The store then moves the run's pending ratings to the anchor's time
/// plus the uptime between them: statistics by day and hour count them where they happened, whatever the device's
/// clock said. Raw events keep the device's time as sent. A run whose clock is not synchronised is anchored at every
/// heartbeat (its ratings keep coming, and a heartbeat may overtake the backlog after a reconnect); a synchronised run
/// at its first exact anchor and then at most once per <see cref="Again"/>, for ratings of its unsynchronised past
/// that a backlog delivers later. Each call is one index lookup when there is nothing to move.
/// Placement is a singleton job: only the node that leads the fleet (<see cref="IFleetLeadership"/>) places; the others
/// drop their heartbeats here. With an external broker every node receives every heartbeat, so a new leader anchors
/// each run at the run's next heartbeat: the pending ratings are in the store, and the only memory here (when a run
/// was last anchored exactly) merely saves queries, so a new leader lacking it places once more, which is harmless
/// (placing moves only ratings still pending).
/// </summary>
public sealed class RatingTimePlacer(IEventStore store, IFleetLeadership leadership, TimeProvider time, ILogger<RatingTimePlacer> logger) : BackgroundService, IHeartbeatSubscriber
{
    public static readonly TimeSpan Again = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Forget = TimeSpan.FromHours(1);

    private readonly Channel<HealthSample> _queue = Channel.CreateBounded<HealthSample>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Per (device, run): when it was last anchored exactly. Touched only by the loop.</summary>
    private readonly Dictionary<(string Device, string Run), DateTimeOffset> _lastExact = [];

    private long _placed;
    private DateTimeOffset _nextForget = DateTimeOffset.MinValue;

    /// <summary>Ratings moved in time since start.</summary>
    public long Placed => Interlocked.Read(ref _placed);

    /// <summary>Takes a heartbeat (never waits); those without a run (older hosts) cannot anchor anything.</summary>
    public void Offer(HealthSample sample)
    {
        if (DeviceTimeline.CanAnchor(sample) && leadership.IsLeader)
        {
            _queue.Writer.TryWrite(sample);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<HealthSample>();
        try
        {
            while (await _queue.Reader.NextTurnAsync(batch, 1_000, stoppingToken))
            {
                if (!leadership.IsLeader)
                {
                    // Another node places now; what was remembered here may be stale when this node leads again.
                    _lastExact.Clear();
                    continue;
                }

                // One anchor per run and batch, an exact one when there is one.
                var anchors = batch
                    .GroupBy(s => (s.DeviceId, s.Report.Run!))
                    .Select(run => run.OrderByDescending(s => s.Report.ClockSynced).ThenByDescending(s => s.ReceivedAt).First());
                foreach (var sample in anchors)
                {
                    await PlaceAsync(sample, stoppingToken);
                }

                ForgetIdleRuns();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PlaceAsync(HealthSample sample, CancellationToken cancellationToken)
    {
        var anchor = DeviceTimeline.AnchorOf(sample);
        var key = (anchor.DeviceId, anchor.Run);
        var now = time.GetUtcNow();
        if (anchor.Exact && _lastExact.TryGetValue(key, out var last) && now - last < Again)
        {
            return;
        }

        try
        {
            var moved = await store.PlaceInTimeAsync(anchor, cancellationToken);
            if (anchor.Exact)
            {
                _lastExact[key] = now;
            }

            if (moved > 0)
            {
                Interlocked.Add(ref _placed, moved);
                logger.LogInformation(
                    "Placed {Count} ratings of {Device} (run {Run}) in time by an {Kind} anchor; its clock read {Offset} off the fleet's",
                    moved, anchor.DeviceId, anchor.Run, anchor.Exact ? "exact" : "estimated", sample.Report.At - sample.ReceivedAt);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing is lost: the ratings stay pending and the next heartbeat of the run tries again.
            logger.LogWarning(ex, "Could not place the ratings of {Device} (run {Run}) in time", anchor.DeviceId, anchor.Run);
        }
    }

    private void ForgetIdleRuns()
    {
        var now = time.GetUtcNow();
        if (now < _nextForget)
        {
            return;
        }

        _nextForget = now + Again;
        var cutoff = now - Forget;
        foreach (var idle in _lastExact.Where(a => a.Value < cutoff).Select(a => a.Key).ToList())
        {
            _lastExact.Remove(idle);
        }
    }
}
