namespace Edge.DeviceProtocol;

/// <summary>
/// Which events a device sends next over one connection: in seq order after the last one sent, while fewer than
/// <c>maxUnackedEvents</c> are sent but not acknowledged by the fleet; when the fleet's ack makes no progress for
/// <c>ackTimeout</c>, everything after the last ack is due again (the fleet stores each seq once, so a resend is
/// harmless). Start one per connection: MQTTnet resends nothing after a reconnect, so each connection begins again
/// after the last acknowledged seq. Not thread-safe: one sending loop owns it.
/// </summary>
public sealed class SendWindow
{
    private readonly int _maxUnackedEvents;
    private readonly TimeSpan _ackTimeout;
    private readonly TimeProvider _time;
    private long _progressAt;
    private long _sentUpTo;
    private long _ackedAtLastCheck;
    private bool _waitingForAck;

    /// <param name="acked">The highest seq the fleet has acknowledged when the connection starts.</param>
    /// <param name="time">The clock the ack timeout runs on (the system's monotonic one by default).</param>
    public SendWindow(long acked, int maxUnackedEvents, TimeSpan ackTimeout, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _progressAt = _time.GetTimestamp();
        _sentUpTo = acked;
        _ackedAtLastCheck = acked;
        _maxUnackedEvents = maxUnackedEvents;
        _ackTimeout = ackTimeout;
    }

    /// <summary>Highest seq sent on this connection (or acknowledged, if higher).</summary>
    public long SentUpTo => _sentUpTo;

    /// <summary>
    /// Given the fleet's latest ack, what to do now: <see cref="SendStep.Resend"/> (the ack timed out: the window was
    /// moved back to <paramref name="acked"/>), <see cref="SendStep.Send"/> (events after <see cref="SentUpTo"/>, if
    /// there are any), or <see cref="SendStep.Full"/> (the window is full: wait for the ack).
    /// </summary>
    public SendStep Next(long acked)
    {
        if (acked != _ackedAtLastCheck)
        {
            _ackedAtLastCheck = acked;
            _progressAt = _time.GetTimestamp();
        }

        _sentUpTo = Math.Max(_sentUpTo, acked);
        _waitingForAck = _sentUpTo > acked;
        if (_waitingForAck && _time.GetElapsedTime(_progressAt) > _ackTimeout)
        {
            _sentUpTo = acked;
            _progressAt = _time.GetTimestamp();
            return SendStep.Resend;
        }

        return _sentUpTo - acked < _maxUnackedEvents ? SendStep.Send : SendStep.Full;
    }

    /// <summary>How long to wait when there is nothing to send: a quarter of the ack timeout while an ack is due, else <paramref name="idle"/>.</summary>
    public TimeSpan Wait(TimeSpan idle) => _waitingForAck ? _ackTimeout / 4 : idle;

    /// <summary>The broker took the events up to <paramref name="lastSeq"/>; the ack timeout runs from the first send after a quiet spell.</summary>
    public void Sent(long lastSeq)
    {
        _sentUpTo = lastSeq;
        if (!_waitingForAck)
        {
            _progressAt = _time.GetTimestamp();
        }
    }
}

/// <summary>What <see cref="SendWindow.Next"/> decided.</summary>
public enum SendStep
{
    /// <summary>Send the events after <see cref="SendWindow.SentUpTo"/>, a batch at most.</summary>
    Send,

    /// <summary>As many as allowed are unacknowledged: wait for the fleet's ack.</summary>
    Full,

    /// <summary>No ack within the timeout: the window moved back to the last ack, and those events are due again.</summary>
    Resend,
}
