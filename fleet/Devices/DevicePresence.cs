using Edge.Wire;

namespace Edge.Fleet.Devices;

/// <summary>
/// Which devices are online, from their status messages and their broker connections. A status names the
/// device's connection session: an "offline" (usually the broker publishing an old connection's will, late) only
/// counts for the session that is current, so it cannot mark a newer connection offline; repeats change nothing.
/// In memory: after a restart a device is unknown until it reconnects, which it does when the broker comes back.
/// </summary>
public sealed class DevicePresence(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Presence> _devices = new(StringComparer.Ordinal);

    /// <summary>Broker client id → the device and session that client announced, to resolve disconnects.</summary>
    private readonly Dictionary<string, (string DeviceId, string Session)> _clients = new(StringComparer.Ordinal);

    /// <summary>Applies a status; returns true when it brought the device (or a new session of it) online.</summary>
    public bool Observe(string deviceId, DeviceStatus status, string? clientId)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var current = _devices.GetValueOrDefault(deviceId);
            if (status.Online)
            {
                _devices[deviceId] = new Presence(true, status.Session, now);
                if (clientId is not null)
                {
                    _clients[clientId] = (deviceId, status.Session);
                }

                return current is null || !current.Online || current.Session != status.Session;
            }

            if (current is not null && current.Session == status.Session)
            {
                _devices[deviceId] = current with { Online = false, LastSeen = now };
            }

            return false;
        }
    }

    /// <summary>A broker connection ended: the device it announced goes offline, if that session is still current.</summary>
    public void ClientDisconnected(string clientId)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_clients.Remove(clientId, out var announced))
            {
                return;
            }

            if (_devices.GetValueOrDefault(announced.DeviceId) is { Online: true } current && current.Session == announced.Session)
            {
                _devices[announced.DeviceId] = current with { Online = false, LastSeen = now };
            }
        }
    }

    public IReadOnlyDictionary<string, Presence> Snapshot()
    {
        lock (_lock)
        {
            return new Dictionary<string, Presence>(_devices, StringComparer.Ordinal);
        }
    }
}

/// <summary>A device's presence: <see cref="LastSeen"/> is when this node last heard of a change of it.</summary>
public sealed record Presence(bool Online, string Session, DateTimeOffset LastSeen);
