using System.Buffers;
using System.Threading.Channels;
using Edge.Device.Uplink;
using Edge.Wire;

namespace Edge.Device.Commands;

/// <summary>A command payload as it arrived, or only its size when it was over the limit.</summary>
public sealed record ReceivedCommand(byte[] Payload, long Bytes)
{
    public bool Oversized => Bytes > CommandLimits.MaxCommandBytes;
}

/// <summary>
/// Takes commands (<c>edge/v1/{device}/cmd/+</c>) off MQTTnet's receive path and queues them for <see cref="CommandRunner"/>.
/// An empty payload is the fleet clearing a retained command it is done with, not a command.
/// </summary>
public sealed class CommandReceiver(CommandCounts counters, ILogger<CommandReceiver> logger) : IDownlinkHandler
{
    private readonly Channel<ReceivedCommand> _inbox = Channel.CreateBounded<ReceivedCommand>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.Wait });

    public ChannelReader<ReceivedCommand> Inbox => _inbox.Reader;

    public string Filter(string deviceId) => Topics.Commands(deviceId);

    public bool Accepts(string topic, string deviceId) =>
        Topics.TryParse(topic, out var address) && address.Kind == TopicKind.Command && address.DeviceId == deviceId;

    public Task HandleAsync(ReadOnlySequence<byte> payload, bool retained, CancellationToken cancellationToken)
    {
        if (payload.IsEmpty)
        {
            return Task.CompletedTask;
        }

        var received = payload.Length > CommandLimits.MaxCommandBytes ? new ReceivedCommand([], payload.Length) : new ReceivedCommand(payload.ToArray(), payload.Length);
        if (!_inbox.Writer.TryWrite(received))
        {
            counters.OnRefused();
            logger.LogWarning("Refused a command: 256 commands already wait to run");
        }

        return Task.CompletedTask;
    }
}
