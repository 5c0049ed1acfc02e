using System.Collections.Concurrent;

namespace Edge.Device.Outbox;

/// <summary>Names of the storage faults a device reports (GET /status, the heartbeat's <c>faults</c>).</summary>
public static class StorageFaultNames
{
    /// <summary>The outbox could not write (disk full, I/O error): new events are not being stored.</summary>
    public const string Disk = "disk";

    /// <summary>The outbox file was damaged or lost and has been replaced; see the detail for what was salvaged.</summary>
    public const string StorageCorrupt = "storage-corrupt";
}

/// <summary>
/// The storage faults raised now, with a sentence each. Raising logs once at Critical (the local alarm); the heartbeat
/// carries them to the fleet. <c>disk</c> clears by itself when a write succeeds again; <c>storage-corrupt</c> stays
/// until the host restarts (the fleet keeps the alert), because a replaced outbox is worth a person's look.
/// </summary>
public sealed class StorageFaults(ILogger<StorageFaults> logger)
{
    private readonly ConcurrentDictionary<string, string> _raised = new(StringComparer.Ordinal);

    public void Raise(string fault, string detail)
    {
        var previous = _raised.GetValueOrDefault(fault);
        _raised[fault] = detail;
        if (previous != detail)
        {
            logger.LogCritical("Storage fault {Fault}: {Detail}", fault, detail);
        }
    }

    public void Clear(string fault)
    {
        if (_raised.TryRemove(fault, out var detail))
        {
            logger.LogWarning("Storage fault {Fault} cleared (was: {Detail})", fault, detail);
        }
    }

    public bool IsRaised(string fault) => _raised.ContainsKey(fault);

    public string? Detail(string fault) => _raised.GetValueOrDefault(fault);

    public IReadOnlyDictionary<string, string> Snapshot() => new SortedDictionary<string, string>(_raised, StringComparer.Ordinal);
}
