namespace Edge.Fleet.CentreLan;

/// <summary>
/// The centres' LAN keys and the devices' LAN addresses: <see cref="LiteCentreLanStore"/> (<c>centre-lan.db</c>) or
/// <see cref="PostgresCentreLanStore"/> (tables <c>centre_keys</c>, <c>lan_addresses</c>, migration 11). Every write is
/// durable before it returns. Two nodes creating a centre's first key at once end with one key.
/// </summary>
public interface ICentreLanStore
{
    /// <summary>The centre's key, created (version 1) when it has none.</summary>
    Task<CentreKey> KeyOfAsync(string centre, DateTime now, CancellationToken cancellationToken);

    /// <summary>A new key for the centre (its current one becomes <see cref="CentreKey.Previous"/>), created first if need be.</summary>
    Task<CentreKey> RotateAsync(string centre, DateTime now, string actor, CancellationToken cancellationToken);

    /// <summary>
    /// Records each device's reported LAN address (null or empty: none; a device named twice: its last report), in one
    /// durable write; returns the devices whose address differs from what was stored (the centres that must be told).
    /// </summary>
    Task<IReadOnlySet<string>> SetAddressesAsync(IReadOnlyCollection<LanAddressReport> reports, DateTime now, CancellationToken cancellationToken);

    /// <summary>The known LAN addresses of <paramref name="deviceIds"/> (devices without one are absent).</summary>
    Task<IReadOnlyDictionary<string, string>> AddressesAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken);
}

/// <summary>The LAN address a device reported in its "online" status (null or empty: none).</summary>
public sealed record LanAddressReport(string DeviceId, string? Address)
{
    /// <summary>Each device's last report of <paramref name="reports"/>, null addresses as empty.</summary>
    public static IReadOnlyList<LanAddressReport> LastOfEach(IEnumerable<LanAddressReport> reports) =>
        reports.GroupBy(r => r.DeviceId, StringComparer.Ordinal).Select(g => g.Last() with { Address = g.Last().Address ?? "" }).ToList();
}
