namespace Edge.Fleet.Registry;

/// <summary>
/// The registered devices, persistent: <see cref="LiteDeviceStore"/> (collection <c>devices</c> of
/// <c>registry.db</c>) or <see cref="PostgresDeviceStore"/> (table <c>registry_devices</c>). Devices are added only by
/// redeeming a claim code (<see cref="Provisioning.IEnrolmentStore"/>, one transaction with the enrolment).
/// </summary>
public interface IDeviceStore
{
    Task<IReadOnlyList<RegisteredDevice>> ListAsync(CancellationToken cancellationToken);

    Task<RegisteredDevice?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Marks a device retired (keeping the first retirement time); the stored device, null when unknown.</summary>
    Task<RegisteredDevice?> RetireAsync(string id, DateTime at, CancellationToken cancellationToken);

    /// <summary>Moves each device's <see cref="RegisteredDevice.LastSeenAt"/> forward (never back); unknown ids are ignored.</summary>
    Task RecordSeenAsync(IReadOnlyDictionary<string, DateTime> seen, CancellationToken cancellationToken);
}
