namespace Edge.Fleet.Devices;

/// <summary>
/// The last answer of a store read, reused while it is younger than <paramref name="lifetime"/> and until
/// <see cref="Drop"/>. When a read fails and an older answer exists, that answer is returned (the caller is told how
/// old it is); with none, the failure is thrown.
/// </summary>
public sealed class ShortLivedCache<T>(TimeSpan lifetime, TimeProvider time) where T : class
{
    private volatile Entry? _entry;

    public async Task<T> GetAsync(Func<CancellationToken, Task<T>> read, Action<Exception, TimeSpan> answeringStale, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cached = _entry;
        if (cached is not null && now - cached.ReadAt < lifetime && now >= cached.ReadAt)
        {
            return cached.Value;
        }

        try
        {
            var value = await read(cancellationToken);
            _entry = new Entry(value, now);
            return value;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && cached is not null)
        {
            answeringStale(ex, now - cached.ReadAt);
            return cached.Value;
        }
    }

    /// <summary>Forgets the answer held: the next read asks the store.</summary>
    public void Drop() => _entry = null;

    private sealed record Entry(T Value, DateTimeOffset ReadAt);
}
