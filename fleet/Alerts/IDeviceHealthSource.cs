using Edge.Fleet.Health;

namespace Edge.Fleet.Alerts;

/// <summary>The fleet's device health as the rules judge it (<see cref="FleetHealthReader"/> in the fleet; a fake in tests).</summary>
public interface IDeviceHealthSource
{
    Task<IReadOnlyList<DeviceHealth>> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>Reads the health through the Health feature's public reader.</summary>
public sealed class FleetHealthSource(FleetHealthReader reader) : IDeviceHealthSource
{
    public Task<IReadOnlyList<DeviceHealth>> ReadAsync(CancellationToken cancellationToken) => reader.ReadAsync(cancellationToken);
}
