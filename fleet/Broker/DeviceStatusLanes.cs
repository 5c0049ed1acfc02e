using System.Threading.Channels;

namespace Edge.Fleet.Broker;

/// <summary>
/// Where the router leaves what a device's status (or the end of its connection) asks of the fleet: presence, the
/// features that read statuses, the current ack. A few lanes work through it in the background, each in order, and
/// a device always goes to the same lane, so its "online", its will and its disconnect are applied in the order they
/// came. The broker is not held while that is done: in a connect wave, thousands of statuses each waited on the
/// presence store's lock inside MQTTnet's dispatch and blocked a thread-pool thread apiece, which starved the
/// threads that accept and read connections (issue 14: 7,500 devices connected in 24 s instead of about 2).
/// A status is no event: what is still queued when the node stops is lost, and the device's next connection
/// announces it again.
/// </summary>
public sealed partial class DeviceStatusLanes(ILogger<DeviceStatusLanes> logger) : BackgroundService
{
    /// <summary>Lanes at once: a few of the store's connections (PostgreSQL), a few writers for a LiteDB file's lock.</summary>
    public const int LaneCount = 4;

    private readonly Channel<Work>[] _lanes = Enumerable.Range(0, LaneCount)
        .Select(_ => Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true }))
        .ToArray();

    private long _queued;
    private long _failed;

    /// <summary>Work queued and not yet done.</summary>
    public long Waiting => Interlocked.Read(ref _queued);

    /// <summary>Work that threw (logged); presence then follows the device's next status, heartbeats and events.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Queues <paramref name="work"/> behind everything queued for <paramref name="key"/> (the device or its client id).</summary>
    public void Enqueue(string key, Func<CancellationToken, Task> work)
    {
        var lane = _lanes[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % LaneCount)];
        Interlocked.Increment(ref _queued);
        if (!lane.Writer.TryWrite(new Work(key, work)))
        {
            // Only after the node has stopped.
            Interlocked.Decrement(ref _queued);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_lanes.Select(lane => Task.Run(() => RunLaneAsync(lane.Reader, stoppingToken), stoppingToken)));

    private async Task RunLaneAsync(ChannelReader<Work> reader, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var work in reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await work.Run(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _failed);
                    LogFailed(ex, work.Key);
                }
                finally
                {
                    Interlocked.Decrement(ref _queued);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling the status of {Key} failed; presence follows its next status, heartbeats and events")]
    private partial void LogFailed(Exception ex, string key);

    private sealed record Work(string Key, Func<CancellationToken, Task> Run);
}
