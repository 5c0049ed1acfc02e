namespace Edge.Device.Lan;

/// <summary>What the LAN endpoint refused and what LAN calls did, since the host started (local <c>/lan</c>).</summary>
public sealed class LanCounts
{
    private long _refused;
    private long _localCalls;
    private long _localTransfers;
    private long _takenElsewhere;
    private long _peerFailures;
    private long _lanInfos;
    private long _badLanInfos;

    /// <summary>Requests without a valid signature of the centre key (a stranger on the LAN), or to a path the LAN does not serve.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Counter: tickets called through the kiosks while the fleet did not answer.</summary>
    public long LocalCalls => Interlocked.Read(ref _localCalls);

    /// <summary>Counter: tickets transferred through their kiosk while the fleet did not answer.</summary>
    public long LocalTransfers => Interlocked.Read(ref _localTransfers);

    /// <summary>Counter: hand-outs the ticket's kiosk said another counter had (a fleet hand-out refused, or a lost race).</summary>
    public long TakenElsewhere => Interlocked.Read(ref _takenElsewhere);

    /// <summary>LAN requests that got no (valid) answer.</summary>
    public long PeerFailures => Interlocked.Read(ref _peerFailures);

    /// <summary>The fleet's LAN information messages taken (centre key and peers).</summary>
    public long LanInfos => Interlocked.Read(ref _lanInfos);

    /// <summary>The fleet's LAN information messages refused as unreadable.</summary>
    public long BadLanInfos => Interlocked.Read(ref _badLanInfos);

    public void OnLanInfo() => Interlocked.Increment(ref _lanInfos);

    public void OnBadLanInfo() => Interlocked.Increment(ref _badLanInfos);

    public void OnRefused() => Interlocked.Increment(ref _refused);

    public void OnLocalCall() => Interlocked.Increment(ref _localCalls);

    public void OnLocalTransfer() => Interlocked.Increment(ref _localTransfers);

    public void OnTakenElsewhere() => Interlocked.Increment(ref _takenElsewhere);

    public void OnPeerFailure() => Interlocked.Increment(ref _peerFailures);
}
