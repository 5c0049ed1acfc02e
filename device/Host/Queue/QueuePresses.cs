using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Edge.Device.Queue;

/// <summary>
/// How many presses of each queue button have been handled to the end (ticket durable and printed, call answered
/// and recorded), so that the simulation endpoint can answer once a press has had its effect.
/// </summary>
public sealed class QueuePresses(IOptions<QueueOptions> options)
{
    /// <summary>How long a simulated press holds, and waits after release: past the debounce on both edges.</summary>
    public TimeSpan Settle => TimeSpan.FromMilliseconds(options.Value.DebounceMs * 2 + 2);

    private readonly ConcurrentDictionary<int, StrongBox> _handled = new();

    public void Watch(int pin) => _handled.TryAdd(pin, new StrongBox());

    public bool Knows(int pin) => _handled.ContainsKey(pin);

    public long Handled(int pin) => _handled.TryGetValue(pin, out var box) ? Interlocked.Read(ref box.Value) : 0;

    public void OnHandled(int pin)
    {
        if (_handled.TryGetValue(pin, out var box))
        {
            Interlocked.Increment(ref box.Value);
        }
    }

    private sealed class StrongBox
    {
        public long Value;
    }
}
