namespace Edge.LoadGen;

/// <summary>
/// Time from publishing a batch to the fleet's ack covering it, across all devices. Keeps the first
/// <see cref="Capacity"/> samples of a measurement (enough for a p99) and counts the rest.
/// </summary>
public sealed class AckLatencies
{
    private const int Capacity = 200_000;
    private readonly Lock _lock = new();
    private List<double> _milliseconds = new(1024);

    public void Add(TimeSpan latency)
    {
        lock (_lock)
        {
            if (_milliseconds.Count < Capacity)
            {
                _milliseconds.Add(latency.TotalMilliseconds);
            }
        }
    }

    /// <summary>Returns the samples so far, sorted, and starts a new measurement.</summary>
    public IReadOnlyList<double> TakeSorted()
    {
        List<double> taken;
        lock (_lock)
        {
            taken = _milliseconds;
            _milliseconds = new List<double>(1024);
        }

        taken.Sort();
        return taken;
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
