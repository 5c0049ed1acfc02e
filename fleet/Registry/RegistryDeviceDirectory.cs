using Edge.Fleet.Ingest;

namespace Edge.Fleet.Registry;

/// <summary>
/// Ingest's <see cref="IDeviceDirectory"/> answered by the registry through its public API
/// (<see cref="DeviceRegistry.Find"/>), which stays stable; kept here so that ingest names no feature.
/// </summary>
public sealed class RegistryDeviceDirectory(DeviceRegistry? registry) : IDeviceDirectory
{
    public DeviceAssignment? Find(string deviceId) =>
        registry?.Find(deviceId) is { } device ? new DeviceAssignment(string.IsNullOrEmpty(device.Counter) ? null : device.Counter) : null;
}
