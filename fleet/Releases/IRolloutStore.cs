namespace Edge.Fleet.Releases;

/// <summary>A device that a new rollout cannot take: it is still being updated by another, active rollout.</summary>
public sealed record BusyDevice(string DeviceId, string RolloutId);

/// <summary>
/// Rollouts and their devices (targets). Every change is durable before the call returns, and a target's change is a
/// read-modify-write under a lock (a row lock on PostgreSQL), so that a device's report on one node and the leader's
/// offer on another never overwrite each other. <see cref="LiteRolloutStore"/>: <c>{Fleet:DataDir}/rollouts.db</c>;
/// <see cref="PostgresRolloutStore"/>: tables <c>rollouts</c> and <c>rollout_targets</c>.
/// </summary>
public interface IRolloutStore
{
    /// <summary>Every rollout, newest first.</summary>
    Task<IReadOnlyList<Rollout>> ListAsync(CancellationToken cancellationToken);

    Task<Rollout?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>The devices of a rollout by stage, then device id (ordinal).</summary>
    Task<IReadOnlyList<RolloutTarget>> TargetsAsync(string rolloutId, CancellationToken cancellationToken);

    Task<RolloutTarget?> TargetAsync(string rolloutId, string deviceId, CancellationToken cancellationToken);

    /// <summary>The active rollout a device is still being updated by, if any.</summary>
    Task<string?> ActiveRolloutOfAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new rollout with one target per device of each stage, unless one of its devices is still in another
    /// active rollout (checked and stored atomically, also against another node doing the same): then it stores
    /// nothing and returns that device.
    /// </summary>
    Task<BusyDevice?> CreateAsync(Rollout rollout, IReadOnlyList<IReadOnlyList<string>> stages, DateTime now, CancellationToken cancellationToken);

    /// <summary>
    /// Changes a stored target atomically: <paramref name="change"/> gets a copy of the current one, changes it and
    /// returns true to store it (false: nothing is written). Returns the target as stored afterwards, or null when the
    /// rollout has no such device.
    /// </summary>
    Task<RolloutTarget?> UpdateAsync(string rolloutId, string deviceId, Func<RolloutTarget, bool> change, CancellationToken cancellationToken);

    /// <summary>Ends an active rollout (<see cref="RolloutStates.Halted"/> or <see cref="RolloutStates.Completed"/>); false when it was not active.</summary>
    Task<bool> EndAsync(string rolloutId, string status, string? reason, CancellationToken cancellationToken);

    /// <summary>
    /// Targets holding an offer that must go: their device reached a final state, or their rollout is no longer active.
    /// </summary>
    Task<IReadOnlyList<RolloutTarget>> StaleOffersAsync(CancellationToken cancellationToken);
}
