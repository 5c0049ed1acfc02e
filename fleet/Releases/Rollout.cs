using LiteDB;

namespace Edge.Fleet.Releases;

/// <summary>A release rolled out to a set of devices in stages (collection <c>rollouts</c> of rollouts.db, table <c>rollouts</c>).</summary>
public sealed class Rollout
{
    [BsonId]
    public string Id { get; set; } = "";

    public string Version { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    /// <summary>One of <see cref="RolloutStates"/>.</summary>
    public string Status { get; set; } = RolloutStates.Active;

    /// <summary>Why it halted.</summary>
    public string? Reason { get; set; }
}

public static class RolloutStates
{
    public const string Active = "active";

    /// <summary>A device rolled back or refused, or an operator stopped it: no further offers.</summary>
    public const string Halted = "halted";

    /// <summary>Every device reported healthy on the new version.</summary>
    public const string Completed = "completed";
}

/// <summary>One device of a rollout (collection <c>targets</c>, table <c>rollout_targets</c>): its stage and where its update stands.</summary>
public sealed class RolloutTarget
{
    /// <summary><c>{rollout id}/{device id}</c>.</summary>
    [BsonId]
    public string Key { get; set; } = "";

    public string RolloutId { get; set; } = "";

    public string DeviceId { get; set; } = "";

    /// <summary>0 for the first stage.</summary>
    public int Stage { get; set; }

    /// <summary>One of <see cref="Edge.Wire.UpdateStates"/>.</summary>
    public string State { get; set; } = Edge.Wire.UpdateStates.Pending;

    public string? Reason { get; set; }

    /// <summary>The host version the device reported with its last report.</summary>
    public string? HostVersion { get; set; }

    /// <summary>
    /// An offer is on the device's retained update topic: set by the leader before it publishes one, cleared once it
    /// withdrew it. Kept in the store, not in memory, so the next leader knows which offers are out.
    /// </summary>
    public bool Offered { get; set; }

    /// <summary>When the last offer was made.</summary>
    public DateTime? OfferedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>SHA-256 (hex) of every token offered to the device for this rollout (a fleet restart offers a new one).</summary>
    public List<string> TokenHashes { get; set; } = [];

    public static string KeyOf(string rolloutId, string deviceId) => $"{rolloutId}/{deviceId}";

    /// <summary>A copy to change (stores hand out copies, never what they hold).</summary>
    public RolloutTarget Copy() => new()
    {
        Key = Key,
        RolloutId = RolloutId,
        DeviceId = DeviceId,
        Stage = Stage,
        State = State,
        Reason = Reason,
        HostVersion = HostVersion,
        Offered = Offered,
        OfferedAt = OfferedAt,
        UpdatedAt = UpdatedAt,
        TokenHashes = [.. TokenHashes],
    };
}

/// <summary>
/// A device's place in a rollout as the API shows it. <see cref="Offers"/>: how many offers were published to it (one
/// token each): one, plus one each time a node that became the leader published again an offer the device had not
/// acted on yet (<see cref="RolloutScheduler"/>).
/// </summary>
public sealed record RolloutTargetView(
    string DeviceId, int Stage, string State, string? Reason, string? HostVersion, DateTimeOffset? OfferedAt, DateTimeOffset UpdatedAt, int Offers);

/// <summary><c>GET /api/v1/rollouts/{id}</c>.</summary>
public sealed record RolloutView(
    string Id, string Version, string Status, string? Reason, int CurrentStage, int Stages, DateTimeOffset CreatedAt, string CreatedBy,
    IReadOnlyList<RolloutTargetView> Devices);

/// <summary><c>POST /api/v1/rollouts</c>: the devices, optional canaries first, optional cumulative percentages per stage.</summary>
public sealed record RolloutRequest(string Version, List<string> Devices, List<string>? Canary, List<double>? Percents);
