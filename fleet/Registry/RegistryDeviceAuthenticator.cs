using Edge.Fleet.Broker;

namespace Edge.Fleet.Registry;

/// <summary>
/// The broker's <see cref="IDeviceAuthenticator"/> answered by the registry's in-memory cache
/// (<see cref="DeviceRegistry"/>); kept here so that the broker names no feature.
/// </summary>
public sealed class RegistryDeviceAuthenticator(DeviceRegistry registry) : IDeviceAuthenticator
{
    public IDeviceIdentity? Authenticate(string deviceId, string? secret) => registry.Authenticate(deviceId, secret);

    public IDeviceIdentity? Find(string? clientId) => registry.Find(clientId);

    public void Connected(string deviceId) => registry.Seen(deviceId);
}
