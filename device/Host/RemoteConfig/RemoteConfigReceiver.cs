using System.Buffers;
using System.Threading.Channels;
using Edge.Device.Uplink;
using Edge.Wire;

namespace Edge.Device.RemoteConfig;

/// <summary>A desired configuration as it arrived: its bytes, or only its size when it was over the limit.</summary>
public sealed record ReceivedConfig(byte[] Payload, long Bytes)
{
    public bool Oversized => Bytes > ConfigLimits.MaxDesiredBytes;
}

/// <summary>
/// Takes the retained desired configuration off MQTTnet's receive path and queues it for <see cref="DesiredConfigApplier"/>
/// (an oversized one only as its size, to be refused and reported there). Only the newest matters (each document is
/// the whole configuration), so the queue keeps the latest two and drops older ones.
/// </summary>
public sealed class RemoteConfigReceiver : IDownlinkHandler
{
    private readonly Channel<ReceivedConfig> _inbox = Channel.CreateBounded<ReceivedConfig>(new BoundedChannelOptions(2) { FullMode = BoundedChannelFullMode.DropOldest });

    public ChannelReader<ReceivedConfig> Inbox => _inbox.Reader;

    public string Filter(string deviceId) => Topics.Config(deviceId);

    public bool Accepts(string topic, string deviceId) =>
        Topics.TryParse(topic, out var address) && address.Kind == TopicKind.Config && address.DeviceId == deviceId;

    public Task HandleAsync(ReadOnlySequence<byte> payload, bool retained, CancellationToken cancellationToken)
    {
        if (payload.IsEmpty)
        {
            // The fleet cleared the retained configuration: the device keeps its last good one.
            return Task.CompletedTask;
        }

        _inbox.Writer.TryWrite(payload.Length > ConfigLimits.MaxDesiredBytes ? new ReceivedConfig([], payload.Length) : new ReceivedConfig(payload.ToArray(), payload.Length));
        return Task.CompletedTask;
    }
}
