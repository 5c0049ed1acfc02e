using Edge.Fleet.Registry;

namespace Edge.Fleet.Health;

/// <summary>Which centre a device belongs to, for grouping the overview, choosing a centre's alert rules and scoping managers.</summary>
public interface IDeviceCentres
{
    string? CentreOf(string deviceId);
}

/// <summary>The centre the device registry has for a device (issue 4); null for a device not enrolled (open broker, tests).</summary>
public sealed class RegistryDeviceCentres(DeviceRegistry registry) : IDeviceCentres
{
    public string? CentreOf(string deviceId) => registry.CentreOf(deviceId) is { Length: > 0 } centre ? centre : null;
}
