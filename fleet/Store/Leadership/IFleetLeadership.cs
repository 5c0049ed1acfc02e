namespace Edge.Fleet.Store.Leadership;

/// <summary>
/// Which node of the fleet does the singleton jobs (alert evaluation and webhooks, command sweeps, rollout planning,
/// clock placement, retention): exactly one node at a time. A job checks <see cref="IsLeader"/> at each round and
/// skips the round when it is false; it keeps nothing in memory that the next leader would need (it reads the store).
/// </summary>
public interface IFleetLeadership
{
    /// <summary>True while this node holds the fleet's leadership.</summary>
    bool IsLeader { get; }
}

/// <summary>One node with its own LiteDB files: it is the whole fleet, so it always leads.</summary>
public sealed class SoleNodeLeadership : IFleetLeadership
{
    public bool IsLeader => true;
}
