namespace Edge.Fleet.PublicBoard;

/// <summary>What the public board did since this node started; read at <c>GET /api/v1/public-board/counters</c>.</summary>
public sealed class PublicBoardCounts
{
    private long _computations;
    private long _answers;
    private long _notModified;
    private long _notShown;
    private long _rateLimited;
    private long _failures;

    public void Computed() => Interlocked.Increment(ref _computations);

    public void Answered() => Interlocked.Increment(ref _answers);

    public void AnsweredNotModified() => Interlocked.Increment(ref _notModified);

    public void RefusedNotShown() => Interlocked.Increment(ref _notShown);

    public void RefusedRateLimited() => Interlocked.Increment(ref _rateLimited);

    public void Failed() => Interlocked.Increment(ref _failures);

    public BoardCountsView Snapshot() => new(
        Interlocked.Read(ref _computations), Interlocked.Read(ref _answers), Interlocked.Read(ref _notModified),
        Interlocked.Read(ref _notShown), Interlocked.Read(ref _rateLimited), Interlocked.Read(ref _failures));
}
