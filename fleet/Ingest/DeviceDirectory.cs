using Edge.Fleet.Registry;

namespace Edge.Fleet.Ingest;

/// <summary>Where an enrolled device serves, as the registry says (never as its payload says).</summary>
public sealed record DeviceAssignment(string? Counter);

/// <summary>Looks up a device's assignment; null for a device the registry does not know (an open broker's).</summary>
public interface IDeviceDirectory
{
    DeviceAssignment? Find(string deviceId);
}

/// <summary>The registry's answer through its public API (<see cref="DeviceRegistry.Find"/>), which stays stable.</summary>
public sealed class RegistryDeviceDirectory(DeviceRegistry? registry) : IDeviceDirectory
{
    public DeviceAssignment? Find(string deviceId) =>
        registry?.Find(deviceId) is { } device ? new DeviceAssignment(string.IsNullOrEmpty(device.Counter) ? null : device.Counter) : null;
}
