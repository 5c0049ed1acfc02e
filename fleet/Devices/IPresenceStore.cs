namespace Edge.Fleet.Devices;

/// <summary>
/// Where device presence is kept (online or offline, the current connection session, when it last changed), so that
/// every node answers the same whatever statuses it saw itself. Written when a status arrives (statuses are sent on
/// connect and disconnect, not with each heartbeat), read by the devices and health APIs through
/// <see cref="DevicePresence"/>. Live data like heartbeats: writes need not be durable.
/// </summary>
public interface IPresenceStore
{
    /// <summary>
    /// The device announced <paramref name="session"/> online. Returns true when that brought the device online or
    /// started a new session (false for a repeat, which only moves <see cref="Presence.LastSeen"/>).
    /// </summary>
    Task<bool> MarkOnlineAsync(string deviceId, string session, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// <paramref name="session"/> of the device ended (its will, or its broker connection closed). Only the current
    /// session counts: a late will of an older session changes nothing, nor does the end of a session already ended
    /// (the will and the closed connection both report it).
    /// </summary>
    Task MarkOfflineAsync(string deviceId, string session, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Every device that ever sent a status.</summary>
    Task<IReadOnlyDictionary<string, Presence>> ReadAllAsync(CancellationToken cancellationToken);
}
