namespace Edge.DeviceProtocol;

/// <summary>
/// Exponential backoff with full jitter: the n-th consecutive failure waits a uniformly random time in
/// [0, min(max, min·2ⁿ)], so thousands of devices coming back after an outage do not reconnect in step.
/// </summary>
public sealed class ReconnectBackoff(TimeSpan min, TimeSpan max, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private int _failures;

    public int Failures => _failures;

    public TimeSpan NextDelay()
    {
        var exponent = Math.Min(_failures, 30);
        _failures++;
        var capMs = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(_random.NextDouble() * capMs);
    }

    public void Reset() => _failures = 0;
}
