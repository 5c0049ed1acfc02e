namespace Edge.Fleet.Metrics;

/// <summary>A Prometheus histogram of durations in seconds, lock-free to observe, with fixed buckets from 0.5 ms to 10 s.</summary>
public sealed class LatencyHistogram
{
    public static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly long[] _counts = new long[Buckets.Length + 1];
    private long _sumMicroseconds;

    public void Observe(TimeSpan duration)
    {
        var seconds = duration.TotalSeconds;
        var bucket = Array.FindIndex(Buckets, b => seconds <= b);
        Interlocked.Increment(ref _counts[bucket < 0 ? Buckets.Length : bucket]);
        Interlocked.Add(ref _sumMicroseconds, (long)(duration.Ticks / 10));
    }

    /// <summary>Cumulative counts per upper bound (the last is +Inf), and the sum in seconds.</summary>
    public (long[] Cumulative, double SumSeconds) Read()
    {
        var cumulative = new long[_counts.Length];
        long running = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            running += Interlocked.Read(ref _counts[i]);
            cumulative[i] = running;
        }

        return (cumulative, Interlocked.Read(ref _sumMicroseconds) / 1e6);
    }
}

/// <summary>Store latency per operation, filled by <see cref="TimedEventStore"/>.</summary>
public sealed class StoreLatency
{
    public LatencyHistogram Append { get; } = new();

    public LatencyHistogram Query { get; } = new();
}
