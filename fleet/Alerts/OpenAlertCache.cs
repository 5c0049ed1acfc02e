namespace Edge.Fleet.Alerts;

/// <summary>
/// The open alerts as the API and the metrics read them, on any node: read from the store and kept for at most
/// <see cref="MaxAge"/>, so every node answers the same within that time (another node's transitions reach this one
/// when the copy expires; this node's own transitions drop it at once).
/// </summary>
public sealed class OpenAlertCache(IAlertStore store, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Snapshot? _snapshot;
    private long _generation;

    public async Task<IReadOnlyList<Alert>> ReadAsync(CancellationToken cancellationToken)
    {
        if (Fresh(_snapshot) is { } cached)
        {
            return cached;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(_snapshot) is { } loadedMeanwhile)
            {
                return loadedMeanwhile;
            }

            var generation = Interlocked.Read(ref _generation);
            var readAt = time.GetTimestamp();
            var open = (await store.OpenAlertsAsync(cancellationToken)).OrderByDescending(a => a.OpenedAt).ToList();
            if (Interlocked.Read(ref _generation) == generation)
            {
                // Kept only when no transition of this node happened during the read (it could be missing from it).
                _snapshot = new Snapshot(open, readAt);
            }

            return open;
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>Drops the copy (this node changed the alerts).</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _snapshot = null;
    }

    private IReadOnlyList<Alert>? Fresh(Snapshot? snapshot) =>
        snapshot is not null && time.GetElapsedTime(snapshot.ReadAt) < MaxAge ? snapshot.Open : null;

    private sealed record Snapshot(IReadOnlyList<Alert> Open, long ReadAt);
}
