using Edge.Fleet.Store.Leadership;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Health;

/// <summary>
/// Loads the latest heartbeats into the board at start, then writes queued heartbeats to the store in batches
/// (one transaction per second or so, whatever the number of devices) and, while this node leads the fleet (a
/// singleton job), trims history older than <c>Health:HistoryHours</c> every few minutes. Every node records what
/// it receives: the store keeps each heartbeat once.
/// </summary>
public sealed class HealthRecorder(
    IHealthStore store,
    HeartbeatBoard board,
    HeartbeatIntake intake,
    IFleetLeadership leadership,
    IOptions<HealthOptions> options,
    TimeProvider time,
    ILogger<HealthRecorder> logger) : BackgroundService
{
    private static readonly TimeSpan TrimEvery = TimeSpan.FromMinutes(5);
    private const int MaxBatch = 5_000;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var sample in await store.LatestAsync(cancellationToken))
            {
                board.Offer(sample);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The board fills again from the heartbeats that arrive; the API reads the store anyway.
            logger.LogWarning("Starting with no latest heartbeats: the store could not be read ({Error})", ex.Message);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextTrim = time.GetUtcNow();
        var batch = new List<HealthSample>();
        try
        {
            while (await intake.Queue.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && intake.Queue.TryRead(out var sample))
                {
                    batch.Add(sample);
                }

                await WriteAsync(batch, stoppingToken);
                batch.Clear();
                if (time.GetUtcNow() >= nextTrim && leadership.IsLeader)
                {
                    nextTrim = time.GetUtcNow() + TrimEvery;
                    await TrimAsync(stoppingToken);
                }

                // Lets a burst of heartbeats gather into the next transaction.
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(List<HealthSample> batch, CancellationToken cancellationToken)
    {
        try
        {
            await store.AppendAsync(batch, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The board still has the latest heartbeats; only this batch's history is lost.
            logger.LogError(ex, "Writing {Count} heartbeats failed", batch.Count);
        }
    }

    private async Task TrimAsync(CancellationToken cancellationToken)
    {
        try
        {
            var removed = await store.TrimAsync(time.GetUtcNow() - TimeSpan.FromHours(options.Value.HistoryHours), cancellationToken);
            if (removed > 0)
            {
                logger.LogInformation("Trimmed {Count} heartbeats older than {Hours} h", removed, options.Value.HistoryHours);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Trimming the heartbeat history failed");
        }
    }
}
