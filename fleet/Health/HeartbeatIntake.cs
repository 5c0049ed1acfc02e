using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Edge.Fleet.Broker;
using Edge.Wire;

namespace Edge.Fleet.Health;

/// <summary>
/// Takes a heartbeat payload from <c>edge/v1/{device}/health</c>: reads it (an unreadable one is logged and counted,
/// never thrown), puts it on the <see cref="HeartbeatBoard"/> and queues it for <see cref="HealthRecorder"/>, and offers
/// it to every <see cref="IHeartbeatSubscriber"/>.
/// Never waits on the disk: the broker's publish path stays fast. A report consumer of the router
/// (<see cref="IDeviceReportConsumer"/>, <see cref="TopicKind.Health"/>).
/// </summary>
public sealed partial class HeartbeatIntake(HeartbeatBoard board, IEnumerable<IHeartbeatSubscriber> subscribers, TimeProvider time, HealthMetrics metrics, ILogger<HeartbeatIntake> logger)
    : IDeviceReportConsumer
{
    private readonly Channel<HealthSample> _queue = Channel.CreateBounded<HealthSample>(
        new BoundedChannelOptions(50_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly IHeartbeatSubscriber[] _subscribers = [.. subscribers];

    internal ChannelReader<HealthSample> Queue => _queue.Reader;

    public bool Wants(TopicKind kind) => kind == TopicKind.Health;

    public Task ConsumeAsync(TopicAddress address, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        Receive(address.DeviceId, payload);
        return Task.CompletedTask;
    }

    public void Receive(string deviceId, ReadOnlySequence<byte> payload)
    {
        HealthReport? report;
        try
        {
            var reader = new Utf8JsonReader(payload);
            report = JsonSerializer.Deserialize(ref reader, WireJson.Default.HealthReport);
        }
        catch (JsonException ex)
        {
            metrics.Unreadable();
            LogUnreadable(deviceId, ex.Message);
            return;
        }

        if (report is null)
        {
            return;
        }

        metrics.Received();
        var sample = new HealthSample(deviceId, time.GetUtcNow(), report);
        board.Offer(sample);
        _queue.Writer.TryWrite(sample);
        foreach (var subscriber in _subscribers)
        {
            subscriber.Offer(sample);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored unreadable heartbeat of {Device}: {Error}")]
    private partial void LogUnreadable(string device, string error);
}
