using Edge.Wire;
using LiteDB;

namespace Edge.Fleet.Commands;

/// <summary>
/// Commands sent to devices and where they got to. Two engines: <see cref="LiteCommandStore"/>
/// (<c>{Fleet:DataDir}/commands.db</c>, one node) and <see cref="PostgresCommandStore"/> (shared by every node). Every
/// state change goes through <see cref="UpdateAsync"/> or <see cref="ClaimDeliveryAsync"/>, which are atomic across
/// nodes: of two nodes ending the same command, or sending it again, exactly one succeeds.
/// </summary>
public interface ICommandStore
{
    /// <summary>Stores a new command; durable before it returns (the command is sent only after).</summary>
    Task AddAsync(CommandRecord command, CancellationToken cancellationToken);

    Task<CommandRecord?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>The device's commands, newest first.</summary>
    Task<IReadOnlyList<CommandRecord>> OfDeviceAsync(string deviceId, int limit, CancellationToken cancellationToken);

    /// <summary>Commands without a final state (pending or running), of one device or (null) of every device.</summary>
    Task<IReadOnlyList<CommandRecord>> OpenAsync(string? deviceId, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to the stored command while no other node can change it, and stores the
    /// result when it returns true. Only the state fields (<c>State</c>, <c>Detail</c>, <c>StartedAt</c>,
    /// <c>FinishedAt</c>) are stored. Returns the updated command, or null when unknown or unchanged.
    /// </summary>
    Task<CommandRecord?> UpdateAsync(string id, Func<CommandRecord, bool> change, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the right to send a pending command again: succeeds (returning it, with <c>LastSentAt</c> = now) only when
    /// it is still pending, has not expired at <paramref name="now"/>, and nobody sent it in the last
    /// <paramref name="quiet"/>. Of nodes claiming at once, one gets it.
    /// </summary>
    Task<CommandRecord?> ClaimDeliveryAsync(string id, DateTime now, TimeSpan quiet, CancellationToken cancellationToken);
}

/// <summary>A command sent to a device and where it got to.</summary>
public sealed class CommandRecord
{
    [BsonId]
    public string Id { get; set; } = "";

    public string DeviceId { get; set; } = "";

    public string Kind { get; set; } = "";

    /// <summary><see cref="CommandStates.Pending"/>, or a <see cref="CommandOutcomes"/> value.</summary>
    public string State { get; set; } = CommandStates.Pending;

    public string? Detail { get; set; }

    public DateTime IssuedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public int TimeoutSeconds { get; set; }

    public string IssuedBy { get; set; } = "";

    /// <summary>When the device said it started (fleet clock).</summary>
    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    /// <summary>When a node last published it (at issue, then by <see cref="ICommandStore.ClaimDeliveryAsync"/>).</summary>
    public DateTime? LastSentAt { get; set; }

    public bool IsFinal => CommandOutcomes.IsFinal(State);

    public DeviceCommand ToWire() =>
        new(Id, Kind, new DateTimeOffset(IssuedAt, TimeSpan.Zero), new DateTimeOffset(ExpiresAt, TimeSpan.Zero), TimeoutSeconds);
}

/// <summary>The fleet's state names: the device's outcomes plus <see cref="Pending"/> (not started yet).</summary>
public static class CommandStates
{
    public const string Pending = "pending";
}
