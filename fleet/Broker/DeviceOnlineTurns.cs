using System.Threading.Channels;
using Edge.Fleet.Store;
using Edge.Wire;

namespace Edge.Fleet.Broker;

/// <summary>
/// Where the router leaves each device whose "online" status it read; a loop takes everything queued as one turn and
/// hands it to every <see cref="IDeviceOnlineConsumer"/>. A connect wave of 10,000 devices made the desired-config
/// and pending-commands checks a store read (and, on LiteDB, a query parsed) per device inside the status lanes,
/// about 13% of the fleet's CPU in the storm (issue 14); a turn reads once for up to <see cref="MaxPerTurn"/> devices.
/// Nothing here orders against presence or the ack: both checks are idempotent. What is still queued when the node
/// stops is dropped, and done again at the device's next connection.
/// </summary>
public sealed partial class DeviceOnlineTurns(IEnumerable<IDeviceOnlineConsumer> consumers, ILogger<DeviceOnlineTurns> logger) : BackgroundService
{
    /// <summary>Upper bound of one turn, so that one turn's reads stay short.</summary>
    public const int MaxPerTurn = 1024;

    private readonly IDeviceOnlineConsumer[] _consumers = [.. consumers];
    private readonly Channel<DeviceOnline> _queue = Channel.CreateUnbounded<DeviceOnline>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues <paramref name="deviceId"/>, online with <paramref name="status"/>, for the next turn.</summary>
    public void Add(string deviceId, DeviceStatus status)
    {
        if (_consumers.Length > 0)
        {
            _queue.Writer.TryWrite(new DeviceOnline(deviceId, status));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var turn = new List<DeviceOnline>();
        try
        {
            while (await _queue.Reader.NextTurnAsync(turn, MaxPerTurn, stoppingToken))
            {
                var devices = LastOfEach(turn);
                foreach (var consumer in _consumers)
                {
                    try
                    {
                        await consumer.DevicesOnlineAsync(devices, stoppingToken);
                    }
                    catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                    {
                        LogFailed(ex, consumer.GetType().Name, devices.Count);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Each device once, where it first came, with its last status (its statuses are queued in order, DeviceStatusLanes).</summary>
    private static List<DeviceOnline> LastOfEach(List<DeviceOnline> turn)
    {
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        var devices = new List<DeviceOnline>(turn.Count);
        foreach (var online in turn)
        {
            if (last.TryGetValue(online.DeviceId, out var at))
            {
                devices[at] = online;
            }
            else
            {
                last[online.DeviceId] = devices.Count;
                devices.Add(online);
            }
        }

        return devices;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Consumer} failed for {Count} devices that came online; done again at their next connection")]
    private partial void LogFailed(Exception ex, string consumer, int count);
}
