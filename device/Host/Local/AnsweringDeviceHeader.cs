namespace Edge.Device.Local;

/// <summary>
/// Every answer of the local endpoint names the device that gave it (<c>Edge-Device: {id}</c>, set by
/// <see cref="LocalEndpoint"/>), so that the technician CLI can say which host answered on a port: on a laptop running
/// the demo beside a device of one's own, port 8181 is easily someone else's.
/// </summary>
public static class AnsweringDeviceHeader
{
    public const string Name = "Edge-Device";
}
