namespace Edge.Fleet.Ingest;

/// <summary>Where an enrolled device serves, as the registry says (never as its payload says).</summary>
public sealed record DeviceAssignment(string? Counter);

/// <summary>
/// Looks up a device's assignment; null for a device the registry does not know (an open broker's). The registry
/// answers it (<c>Edge.Fleet.Registry.RegistryDeviceDirectory</c>, registered with the registry).
/// </summary>
public interface IDeviceDirectory
{
    DeviceAssignment? Find(string deviceId);
}
