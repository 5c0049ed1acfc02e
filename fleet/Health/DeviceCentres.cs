namespace Edge.Fleet.Health;

/// <summary>
/// Which centre a device belongs to, for grouping the overview and choosing a centre's alert rules. The device
/// registry (issue 4) provides the real one by registering its own implementation; until then every device is
/// unassigned.
/// </summary>
public interface IDeviceCentres
{
    string? CentreOf(string deviceId);
}

internal sealed class NoDeviceCentres : IDeviceCentres
{
    public string? CentreOf(string deviceId) => null;
}
