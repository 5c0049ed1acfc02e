namespace Edge.Fleet.Metrics;

/// <summary>
/// A value an observable gauge reports that is read from a store (devices online, open alerts): the gauge reports
/// the last reading and asks for a fresh one in the background, so a scrape never waits on a store, and a store that
/// is down leaves the family out (<c>edge_store_up</c> says why) instead of holding the scrape. One read at a time; a
/// reading is at most one scrape old (plus the read's own time); the first scrape after a start has none yet.
/// </summary>
public sealed class CachedReading<T>(Func<CancellationToken, Task<T>> read, TimeSpan timeout)
    where T : class
{
    private T? _last;
    private int _reading;

    /// <summary>The last reading (null before the first one ends, or after a failed one); starts a fresh read unless one runs.</summary>
    public T? Latest()
    {
        if (Interlocked.Exchange(ref _reading, 1) == 0)
        {
            _ = Task.Run(RefreshAsync);
        }

        return Volatile.Read(ref _last);
    }

    private async Task RefreshAsync()
    {
        try
        {
            using var deadline = new CancellationTokenSource(timeout);
            Volatile.Write(ref _last, await read(deadline.Token));
        }
        catch (Exception)
        {
            // A store that is down (or slow past the timeout): the family is left out until a read succeeds again.
            Volatile.Write(ref _last, null);
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }
}
