namespace Edge.Device.Commands;

/// <summary>What became of the commands the fleet sent (shown on the local GET /commands).</summary>
public sealed class CommandCounts
{
    private long _run, _repeated, _expired, _unknown, _malformed, _refused;

    public long Run => Interlocked.Read(ref _run);

    /// <summary>Redelivered ids answered from the ledger without running again.</summary>
    public long Repeated => Interlocked.Read(ref _repeated);

    public long Expired => Interlocked.Read(ref _expired);

    public long Unknown => Interlocked.Read(ref _unknown);

    /// <summary>Unreadable or oversized payloads.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Dropped because too many commands were waiting.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public void OnRun() => Interlocked.Increment(ref _run);

    public void OnRepeated() => Interlocked.Increment(ref _repeated);

    public void OnExpired() => Interlocked.Increment(ref _expired);

    public void OnUnknown() => Interlocked.Increment(ref _unknown);

    public void OnMalformed() => Interlocked.Increment(ref _malformed);

    public void OnRefused() => Interlocked.Increment(ref _refused);
}
