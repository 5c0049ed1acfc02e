using System.Diagnostics;

namespace Edge.Device.Outbox;

/// <summary>Acknowledged events per second over the last ten seconds, on the monotonic clock.</summary>
internal sealed class DrainRate
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly Queue<(long Ticks, long Count)> _samples = new();
    private readonly Lock _lock = new();

    public void Add(long count)
    {
        lock (_lock)
        {
            _samples.Enqueue((Stopwatch.GetTimestamp(), count));
            Trim();
        }
    }

    public double PerSecond()
    {
        lock (_lock)
        {
            Trim();
            return _samples.Sum(s => s.Count) / Window.TotalSeconds;
        }
    }

    private void Trim()
    {
        var now = Stopwatch.GetTimestamp();
        while (_samples.Count > 0 && Stopwatch.GetElapsedTime(_samples.Peek().Ticks, now) > Window)
        {
            _samples.Dequeue();
        }
    }
}
