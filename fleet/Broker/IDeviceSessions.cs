namespace Edge.Fleet.Broker;

/// <summary>Open broker connections of devices, so that retiring one can cut it off at once.</summary>
public interface IDeviceSessions
{
    /// <summary>Disconnects the device if it is connected; true when a connection was closed.</summary>
    Task<bool> DisconnectAsync(string deviceId, CancellationToken cancellationToken);
}
