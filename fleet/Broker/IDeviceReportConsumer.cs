using System.Buffers;
using Edge.Wire;

namespace Edge.Fleet.Broker;

/// <summary>
/// A feature that reads what devices publish on some topic kinds (register it as a singleton
/// <see cref="IDeviceReportConsumer"/>): <see cref="DeviceMessageRouter"/> hands it every such message, from either
/// broker mode, before its own handling. It must not throw for bad input: log, count, return.
/// </summary>
public interface IDeviceReportConsumer
{
    bool Wants(TopicKind kind);

    Task ConsumeAsync(TopicAddress address, ReadOnlySequence<byte> payload, CancellationToken cancellationToken);
}
