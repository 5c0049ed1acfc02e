using Edge.Wire;

namespace Edge.Fleet.Broker;

/// <summary>
/// Told of devices' statuses and of ended broker connections, in order per device (<see cref="DeviceStatusLanes"/>):
/// presence (fleet/Devices) implements it, so that the broker names no feature.
/// </summary>
public interface IPresenceObserver
{
    /// <summary>
    /// Takes a status announced through broker client <paramref name="clientId"/>, in order with everything observed
    /// before it (before the call returns); the task completes once it is applied, true when it brought the device
    /// (or a new session of it) online.
    /// </summary>
    Task<bool> ObserveAsync(string deviceId, DeviceStatus status, string? clientId, CancellationToken cancellationToken);

    /// <summary>A broker connection of this node ended (taken in order, as <see cref="ObserveAsync"/>).</summary>
    Task ClientDisconnectedAsync(string clientId, CancellationToken cancellationToken);
}
