using Edge.Fleet.Broker;
using Edge.Fleet.Store;
using Edge.Wire;

namespace Edge.Fleet.Devices;

/// <summary>
/// Which devices are online, from their status messages and their broker connections, kept in the
/// <see cref="IPresenceStore"/> so that every node answers the same. A status names the device's connection session:
/// an "offline" (usually the broker publishing an old connection's will, late) only counts for the session that is
/// current, so it cannot mark a newer connection offline; repeats change nothing.
/// Reads go through a cache of the whole table that lives <see cref="CacheFor"/> (and is dropped at once when this
/// node writes), so another node's change shows here within that time. Which broker client announced which session
/// stays in this node's memory: it mirrors this node's own broker connections, which end with the node.
/// </summary>
public sealed class DevicePresence(IPresenceStore store, TimeProvider time, ILogger<DevicePresence> logger) : IPresenceObserver
{
    /// <summary>How long a read of the store answers before the next read asks it again.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();

    /// <summary>Broker client id → the device and session that client announced, to resolve disconnects.</summary>
    private readonly Dictionary<string, (string DeviceId, string Session)> _clients = new(StringComparer.Ordinal);

    private readonly ShortLivedCache<IReadOnlyDictionary<string, Presence>> _cache = new(CacheFor, time);

    /// <summary>Applies a status; returns true when it brought the device (or a new session of it) online.</summary>
    public async Task<bool> ObserveAsync(string deviceId, DeviceStatus status, string? clientId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (status.Online && clientId is not null)
        {
            lock (_lock)
            {
                _clients[clientId] = (deviceId, status.Session);
            }
        }

        try
        {
            if (status.Online)
            {
                return await store.MarkOnlineAsync(deviceId, status.Session, now, cancellationToken);
            }

            await store.MarkOfflineAsync(deviceId, status.Session, now, cancellationToken);
            return false;
        }
        catch (StoreUnavailableException)
        {
            // Logged once per outage and counted by StoreOutages; liveness still follows heartbeats and stored events.
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Liveness still follows heartbeats and stored events; the device's next status puts it right.
            logger.LogWarning("Could not record the status of {Device}: {Error}", deviceId, ex.Message);
            return false;
        }
        finally
        {
            Invalidate();
        }
    }

    /// <summary>A broker connection of this node ended: the device it announced goes offline, if that session is still current.</summary>
    public async Task ClientDisconnectedAsync(string clientId, CancellationToken cancellationToken)
    {
        (string DeviceId, string Session) announced;
        lock (_lock)
        {
            if (!_clients.Remove(clientId, out announced))
            {
                return;
            }
        }

        try
        {
            await store.MarkOfflineAsync(announced.DeviceId, announced.Session, time.GetUtcNow(), cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            // Logged once per outage and counted by StoreOutages.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not record the disconnect of {Device}: {Error}", announced.DeviceId, ex.Message);
        }
        finally
        {
            Invalidate();
        }
    }

    /// <summary>Every device that ever sent a status, as the store had it at most <see cref="CacheFor"/> ago.</summary>
    public Task<IReadOnlyDictionary<string, Presence>> SnapshotAsync(CancellationToken cancellationToken) =>
        _cache.GetAsync(
            store.ReadAllAsync,
            (ex, age) => logger.LogWarning("Answering device presence from a cache of {Age}: {Error}", age, ex.Message),
            cancellationToken);

    private void Invalidate() => _cache.Drop();
}

/// <summary>A device's presence: <see cref="LastSeen"/> is when the fleet last heard of a change of it.</summary>
public sealed record Presence(bool Online, string Session, DateTimeOffset LastSeen);
