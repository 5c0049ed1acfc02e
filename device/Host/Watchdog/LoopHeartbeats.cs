using System.Collections.Concurrent;

namespace Edge.Device.Watchdog;

/// <summary>
/// The loops the systemd watchdog vouches for beat here; a loop whose last beat is older than its allowance is
/// stalled. Monotonic clock only (<see cref="TimeProvider.GetTimestamp"/>).
/// </summary>
public sealed class LoopHeartbeats(TimeProvider time) : Uplink.ILoopLiveness
{
    private readonly ConcurrentDictionary<string, (long Last, TimeSpan Allowance)> _loops = new();

    /// <summary>Declares a loop and its allowance; it counts as alive from now.</summary>
    public void Register(string loop, TimeSpan allowance) => _loops[loop] = (time.GetTimestamp(), allowance);

    public void Beat(string loop)
    {
        if (_loops.TryGetValue(loop, out var entry))
        {
            _loops[loop] = (time.GetTimestamp(), entry.Allowance);
        }
    }

    /// <summary>Loops whose last beat is older than their allowance.</summary>
    public IReadOnlyList<string> Stalled() =>
        _loops.Where(l => time.GetElapsedTime(l.Value.Last) > l.Value.Allowance).Select(l => l.Key).ToList();
}
