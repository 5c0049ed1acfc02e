using Edge.Fleet.Broker;
using Edge.Wire;

namespace Edge.Fleet.Devices;

/// <summary>
/// Which devices are online, from their status messages and their broker connections, kept in the
/// <see cref="IPresenceStore"/> so that every node answers the same. A status names the device's connection session:
/// an "offline" (usually the broker publishing an old connection's will, late) only counts for the session that is
/// current, so it cannot mark a newer connection offline; repeats change nothing. Statuses are queued in the order
/// they are observed and written a moment's worth at a time (<see cref="PresenceWriter"/>).
/// Reads go through a cache of the whole table that lives <see cref="CacheFor"/>, so another node's change shows here
/// within that time; what this node wrote since that copy was read is laid over it, so it shows here at once. Which
/// broker client announced which session stays in this node's memory: it mirrors this node's own broker connections,
/// which end with the node.
/// </summary>
public sealed class DevicePresence : IPresenceObserver, IDisposable
{
    /// <summary>How long a read of the store answers before the next read asks it again.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private readonly IPresenceStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<DevicePresence> _logger;
    private readonly PresenceWriter _writer;
    private readonly Lock _lock = new();

    /// <summary>Broker client id → the device and session that client announced, to resolve disconnects.</summary>
    private readonly Dictionary<string, (string DeviceId, string Session)> _clients = new(StringComparer.Ordinal);

    /// <summary>What this node wrote, numbered in the order written, until a read of the store begun after it.</summary>
    private readonly Dictionary<string, (Presence Presence, long Number)> _written = new(StringComparer.Ordinal);

    private readonly ShortLivedCache<StoreCopy> _cache;
    private long _writes;

    public DevicePresence(IPresenceStore store, TimeProvider time, ILogger<DevicePresence> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _cache = new ShortLivedCache<StoreCopy>(CacheFor, time);
        _writer = new PresenceWriter(store, logger, Written);
    }

    /// <summary>
    /// Takes a status, in order with every status and disconnect observed before it; the task completes once it is
    /// stored, true when it brought the device (or a new session of it) online.
    /// </summary>
    public Task<bool> ObserveAsync(string deviceId, DeviceStatus status, string? clientId, CancellationToken cancellationToken)
    {
        if (status.Online && clientId is not null)
        {
            lock (_lock)
            {
                _clients[clientId] = (deviceId, status.Session);
            }
        }

        return _writer.WriteAsync(new PresenceChange(deviceId, status.Online, status.Session, _time.GetUtcNow()));
    }

    /// <summary>A broker connection of this node ended: the device it announced goes offline, if that session is still current.</summary>
    public Task ClientDisconnectedAsync(string clientId, CancellationToken cancellationToken)
    {
        (string DeviceId, string Session) announced;
        lock (_lock)
        {
            if (!_clients.Remove(clientId, out announced))
            {
                return Task.CompletedTask;
            }
        }

        return _writer.WriteAsync(new PresenceChange(announced.DeviceId, false, announced.Session, _time.GetUtcNow()));
    }

    /// <summary>Every device that ever sent a status, as the store had it at most <see cref="CacheFor"/> ago, with what this node wrote since.</summary>
    public async Task<IReadOnlyDictionary<string, Presence>> SnapshotAsync(CancellationToken cancellationToken)
    {
        var copy = await _cache.GetAsync(
            ReadStoreAsync,
            (ex, age) => _logger.LogWarning("Answering device presence from a cache of {Age}: {Error}", age, ex.Message),
            cancellationToken);
        lock (_lock)
        {
            var newer = _written.Where(w => w.Value.Number > copy.WritesBefore).ToList();
            if (newer.Count == 0)
            {
                return copy.Presence;
            }

            var snapshot = new Dictionary<string, Presence>(copy.Presence, StringComparer.Ordinal);
            foreach (var (deviceId, (presence, _)) in newer)
            {
                snapshot[deviceId] = presence;
            }

            return snapshot;
        }
    }

    public void Dispose() => _writer.Dispose();

    private async Task<StoreCopy> ReadStoreAsync(CancellationToken cancellationToken)
    {
        long writesBefore;
        lock (_lock)
        {
            writesBefore = _writes;
        }

        var presence = await _store.ReadAllAsync(cancellationToken);
        lock (_lock)
        {
            // What was written before this read began is in it.
            foreach (var (deviceId, written) in _written)
            {
                if (written.Number <= writesBefore)
                {
                    _written.Remove(deviceId);
                }
            }
        }

        return new StoreCopy(presence, writesBefore);
    }

    /// <summary>A change was stored: what the store now holds for the device, when the change moved it.</summary>
    private void Written(PresenceChange change, bool changed)
    {
        if (!change.Online && !changed)
        {
            return;
        }

        lock (_lock)
        {
            _written[change.DeviceId] = (new Presence(change.Online, change.Session, change.At), ++_writes);
        }
    }

    /// <summary>A read of the whole store, and how many of this node's writes it already holds.</summary>
    private sealed record StoreCopy(IReadOnlyDictionary<string, Presence> Presence, long WritesBefore);
}

/// <summary>A device's presence: <see cref="LastSeen"/> is when the fleet last heard of a change of it.</summary>
public sealed record Presence(bool Online, string Session, DateTimeOffset LastSeen);
