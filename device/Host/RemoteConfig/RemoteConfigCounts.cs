namespace Edge.Device.RemoteConfig;

/// <summary>What became of the configurations the fleet sent (shown on the local GET /remote-config).</summary>
public sealed class RemoteConfigCounts
{
    private long _applied, _invalid, _malformed, _oversized;

    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Readable but refused by a validator or the list of remote settings.</summary>
    public long Invalid => Interlocked.Read(ref _invalid);

    public long Malformed => Interlocked.Read(ref _malformed);

    public long Oversized => Interlocked.Read(ref _oversized);

    public void OnApplied() => Interlocked.Increment(ref _applied);

    public void OnInvalid() => Interlocked.Increment(ref _invalid);

    public void OnMalformed() => Interlocked.Increment(ref _malformed);

    public void OnOversized() => Interlocked.Increment(ref _oversized);
}
