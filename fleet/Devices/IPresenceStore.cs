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
    /// Applies <paramref name="changes"/> in their order, in one write (the statuses of one moment, see
    /// <see cref="PresenceWriter"/>); all or none are stored. Per change, whether it changed the device's state:
    /// <list type="bullet">
    /// <item>online: true when it brought the device online or started a new session (false for a repeat, which only
    /// moves <see cref="Presence.LastSeen"/>);</item>
    /// <item>offline (its will, or its broker connection closed): true when it ended the current session. Only the
    /// current session counts: a late will of an older session changes nothing, nor does the end of a session already
    /// ended (the will and the closed connection both report it).</item>
    /// </list>
    /// </summary>
    Task<IReadOnlyList<bool>> ApplyAsync(IReadOnlyList<PresenceChange> changes, CancellationToken cancellationToken);

    /// <summary>Every device that ever sent a status.</summary>
    Task<IReadOnlyDictionary<string, Presence>> ReadAllAsync(CancellationToken cancellationToken);
}

/// <summary>A status to apply: <paramref name="Session"/> of the device came online, or ended.</summary>
public sealed record PresenceChange(string DeviceId, bool Online, string Session, DateTimeOffset At);

/// <summary>One change at a time, in the words of <see cref="IPresenceStore.ApplyAsync"/> (tests, the data copier).</summary>
public static class PresenceStoreChanges
{
    /// <summary>The device announced <paramref name="session"/> online; true when that brought it online or started a new session.</summary>
    public static async Task<bool> MarkOnlineAsync(this IPresenceStore store, string deviceId, string session, DateTimeOffset at, CancellationToken cancellationToken) =>
        (await store.ApplyAsync([new PresenceChange(deviceId, true, session, at)], cancellationToken))[0];

    /// <summary><paramref name="session"/> of the device ended; true when it was the current session, online.</summary>
    public static async Task<bool> MarkOfflineAsync(this IPresenceStore store, string deviceId, string session, DateTimeOffset at, CancellationToken cancellationToken) =>
        (await store.ApplyAsync([new PresenceChange(deviceId, false, session, at)], cancellationToken))[0];
}
