namespace Edge.Device.Local;

/// <summary>
/// What the local endpoint did with its requests, for <c>GET /local</c>: answered by a route, refused (a path or
/// method it does not serve, a query value it cannot read, a body over the limit) or failed (a handler threw: 500).
/// </summary>
public sealed class LocalCounts
{
    private long _answered;
    private long _refused;
    private long _failed;

    public long Answered => Interlocked.Read(ref _answered);

    public long Refused => Interlocked.Read(ref _refused);

    public long Failed => Interlocked.Read(ref _failed);

    public void OnAnswered() => Interlocked.Increment(ref _answered);

    public void OnRefused() => Interlocked.Increment(ref _refused);

    public void OnFailed() => Interlocked.Increment(ref _failed);
}
