using System.Collections.Concurrent;

namespace Edge.Device.Peripherals;

/// <summary>
/// The current state of every peripheral ("printer" → "paper-out", "button:2" → "stuck", "display" → "ok"),
/// as the heartbeat and GET /status report it. Each peripheral's service keeps its own entry up to date.
/// </summary>
public sealed class PeripheralStates
{
    private readonly ConcurrentDictionary<string, string> _states = new();

    /// <summary>Sets a state; true when it changed.</summary>
    public bool Set(string peripheral, string state)
    {
        var previous = _states.GetValueOrDefault(peripheral);
        _states[peripheral] = state;
        return previous != state;
    }

    public string? Get(string peripheral) => _states.GetValueOrDefault(peripheral);

    public IReadOnlyDictionary<string, string> Snapshot() =>
        new SortedDictionary<string, string>(_states, StringComparer.Ordinal);
}
