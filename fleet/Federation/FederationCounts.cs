using System.Collections.Concurrent;

namespace Edge.Fleet.Federation;

/// <summary>
/// What federation counts on this node, observed for <c>/metrics</c> by <see cref="FederationMetrics"/>: as a sender (events
/// forwarded, acknowledged, the backlog, refusals and failures by reason) and as a receiver (batches and events
/// stored, acks sent, hostile or broken batches refused by reason).
/// </summary>
public sealed class FederationCounts
{
    private readonly ConcurrentDictionary<string, long> _sendFailures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _refused = new(StringComparer.Ordinal);
    private long _forwarded;
    private long _acked;
    private long _backlog;
    private int _connected;
    private long _receivedBatches;
    private long _receivedEvents;
    private long _acksSent;
    private long _acksFailed;

    public long Forwarded => Interlocked.Read(ref _forwarded);

    public long Acked => Interlocked.Read(ref _acked);

    /// <summary>Events stored here and not yet acknowledged by the upper fleet, as of the last round.</summary>
    public long Backlog => Interlocked.Read(ref _backlog);

    public bool Connected => Volatile.Read(ref _connected) == 1;

    public long ReceivedBatches => Interlocked.Read(ref _receivedBatches);

    public long ReceivedEvents => Interlocked.Read(ref _receivedEvents);

    public long AcksSent => Interlocked.Read(ref _acksSent);

    /// <summary>Acks not sent after the batch was stored (the broker refused or was unreachable): the lower fleet resends.</summary>
    public long AcksFailed => Interlocked.Read(ref _acksFailed);

    public IReadOnlyDictionary<string, long> SendFailures => new Dictionary<string, long>(_sendFailures);

    public IReadOnlyDictionary<string, long> Refused => new Dictionary<string, long>(_refused);

    public void Sent(int events) => Interlocked.Add(ref _forwarded, events);

    public void AckedEvents(long events) => Interlocked.Add(ref _acked, events);

    public void SetBacklog(long events) => Interlocked.Exchange(ref _backlog, events);

    public void SetConnected(bool connected) => Volatile.Write(ref _connected, connected ? 1 : 0);

    public void SendFailed(string reason) => _sendFailures.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void Received(int events)
    {
        Interlocked.Increment(ref _receivedBatches);
        Interlocked.Add(ref _receivedEvents, events);
    }

    public void AckSent() => Interlocked.Increment(ref _acksSent);

    public void AckFailed() => Interlocked.Increment(ref _acksFailed);

    public void Refuse(string reason) => _refused.AddOrUpdate(reason, 1, (_, n) => n + 1);
}
