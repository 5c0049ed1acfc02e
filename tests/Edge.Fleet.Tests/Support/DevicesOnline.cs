using Edge.Fleet.Broker;
using Edge.Wire;

namespace Edge.Fleet.Tests.Support;

/// <summary>A turn of devices that came online (<see cref="IDeviceOnlineConsumer"/>), each with an "online" status.</summary>
public static class DevicesOnline
{
    public static IReadOnlyList<DeviceOnline> Of(params string[] deviceIds) =>
        [.. deviceIds.Select(id => new DeviceOnline(id, new DeviceStatus(Online: true, Session: "s-" + id, At: DateTimeOffset.UnixEpoch)))];
}
