using Edge.Fleet.Registry;

namespace Edge.Fleet.Provisioning;

/// <summary>
/// Enrolments and the redemption of their claim codes, persistent: <see cref="LiteEnrolmentStore"/> (collection
/// <c>enrolments</c> of <c>registry.db</c>) or <see cref="PostgresEnrolmentStore"/> (table <c>enrolments</c>).
/// Redeeming writes the devices too (same file, same database), because it is one transaction: the enrolment used
/// once, the device inserted, the device it replaces marked. Two nodes redeeming one code at once: one succeeds, the
/// other gets <see cref="RedeemRefusal.Used"/>.
/// </summary>
public interface IEnrolmentStore
{
    Task AddAsync(Enrolment enrolment, CancellationToken cancellationToken);

    /// <summary>Enrolments neither used nor expired at <paramref name="now"/>, newest first.</summary>
    Task<IReadOnlyList<Enrolment>> ListOpenAsync(DateTime now, CancellationToken cancellationToken);

    /// <summary>
    /// Redeems the enrolment <paramref name="key"/> (<see cref="ClaimCode.Key"/>) for a new active device with
    /// <paramref name="secretHash"/>, as one transaction. The device id is the enrolment's, or
    /// <paramref name="newDeviceId"/>(role) when it names none.
    /// </summary>
    Task<Redemption> RedeemAsync(string key, DateTime now, string secretHash, Func<string, string> newDeviceId, CancellationToken cancellationToken);

    /// <summary>
    /// Undoes a successful <see cref="RedeemAsync"/> whose secret could not be handed out (the broker refused it), as
    /// one transaction: the device removed, the replaced device active again, the code usable again.
    /// </summary>
    Task UndoAsync(string key, Redemption redemption, CancellationToken cancellationToken);
}

/// <summary>Why a claim code did not provision a device.</summary>
public enum RedeemRefusal
{
    Unknown,
    Expired,
    Used,
    DeviceIdTaken,

    /// <summary>The broker could not be given the device's account (<see cref="IBrokerAccounts.GrantAsync"/>); never returned by a store.</summary>
    BrokerUnavailable,
}

/// <summary>What a redemption did: the new device and the device it replaced (if any), or why it did nothing.</summary>
public sealed record Redemption(RegisteredDevice? Device, RegisteredDevice? Replaced, RedeemRefusal? Refusal)
{
    public static Redemption Refused(RedeemRefusal refusal) => new(null, null, refusal);
}
