namespace Edge.Fleet.Federation;

/// <summary>
/// What federation keeps besides the events themselves, on either side:
/// the sender's cursor (per device of the lower fleet, the highest seq the upper fleet acknowledged) and the
/// receiver's directory of forwarded devices (which lower fleet and centre each one comes from).
/// Implementations: <see cref="LiteFederationStore"/> (<c>federation.db</c>) and <see cref="PostgresFederationStore"/>;
/// both pass tests/Edge.Fleet.Tests/Federation/FederationStoreContract.cs. Durable when a task completes.
/// </summary>
public interface IFederationStore
{
    /// <summary>Per device of this fleet, the highest seq the upper fleet acknowledged (devices never acked are absent).</summary>
    Task<IReadOnlyDictionary<string, long>> ReadCursorsAsync(CancellationToken cancellationToken);

    /// <summary>Moves a device's cursor to <paramref name="ackedUpTo"/>; never backwards (an older ack changes nothing).</summary>
    Task AdvanceCursorAsync(string deviceId, long ackedUpTo, CancellationToken cancellationToken);

    /// <summary>Records (or corrects the centre of) a forwarded device; the same row again changes nothing.</summary>
    Task RecordForwardedDeviceAsync(ForwardedDevice device, CancellationToken cancellationToken);

    /// <summary>Every forwarded device, by source fleet then device id.</summary>
    Task<IReadOnlyList<ForwardedDevice>> ListForwardedDevicesAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A device of a lower fleet as this (upper) fleet knows it: its events are stored under <see cref="StoredAs"/>
/// and it counts for <see cref="Centre"/> (both prefixed with the source fleet's id: ids chosen by two provinces'
/// administrators may be equal, and must not merge).
/// </summary>
public sealed record ForwardedDevice(string Source, string DeviceId, string SourceCentre)
{
    /// <summary>The device id its events have in this fleet's event store; no local device can have it ('.' is not allowed in one).</summary>
    public string StoredAs => StoredId(Source, DeviceId);

    /// <summary>The centre id in this fleet's figures.</summary>
    public string Centre => SourceCentre.Length == 0 ? Source : $"{Source}.{SourceCentre}";

    public static string StoredId(string source, string deviceId) => $"{source}.{deviceId}";
}
