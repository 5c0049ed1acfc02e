using System.Diagnostics;
using Edge.Wire;

namespace Edge.Fleet.Store;

/// <summary>
/// Wraps the event store in use (LiteDB or PostgreSQL) to time its operations: appends (the durable group commit
/// ingest waits for) and queries (statistics, sequences), for <c>edge_store_seconds</c>. Behaviour is unchanged.
/// </summary>
public sealed class TimedEventStore(IEventStore inner, StoreMetrics metrics) : IEventStore, IAsyncDisposable, IDisposable
{
    public async Task<IReadOnlyDictionary<string, long>> AppendAsync(IReadOnlyList<EventBatch> batches, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await inner.AppendAsync(batches, receivedAt, cancellationToken);
        }
        finally
        {
            metrics.Appended(Stopwatch.GetElapsedTime(started));
        }
    }

    public Task<long> GetAckedUpToAsync(string deviceId, CancellationToken cancellationToken) =>
        TimeQueryAsync(() => inner.GetAckedUpToAsync(deviceId, cancellationToken));

    public Task<IReadOnlyList<DeviceSequence>> ListSequencesAsync(CancellationToken cancellationToken) =>
        TimeQueryAsync(() => inner.ListSequencesAsync(cancellationToken));

    public Task<IReadOnlyList<DeviceEvent>> ReadEventsAsync(string deviceId, long afterSeq, int max, CancellationToken cancellationToken) =>
        TimeQueryAsync(() => inner.ReadEventsAsync(deviceId, afterSeq, max, cancellationToken));

    public Task<RatingCounts> CountRatingsAsync(RatingFilter filter, CancellationToken cancellationToken) =>
        TimeQueryAsync(() => inner.CountRatingsAsync(filter, cancellationToken));

    public Task<long> PlaceInTimeAsync(ClockAnchor anchor, CancellationToken cancellationToken) =>
        TimeQueryAsync(() => inner.PlaceInTimeAsync(anchor, cancellationToken));

    public Task<IReadOnlyList<EventConflict>> ListConflictsAsync(string? deviceId, CancellationToken cancellationToken) =>
        TimeQueryAsync(() => inner.ListConflictsAsync(deviceId, cancellationToken));

    public async ValueTask DisposeAsync()
    {
        switch (inner)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private async Task<T> TimeQueryAsync<T>(Func<Task<T>> query)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await query();
        }
        finally
        {
            metrics.Queried(Stopwatch.GetElapsedTime(started));
        }
    }
}
