using System.Buffers;
using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Wire;

namespace Edge.Fleet.Commands;

/// <summary>
/// Reads results on <c>cmd/{id}/result</c>: "running" marks a command started; a final outcome ends it and clears the
/// retained command. The device's word wins over the fleet's own "expired" or "timed-out" (it knows whether it ran).
/// A result for another device's command, an unknown id or an unreadable payload is logged and counted.
/// </summary>
public sealed class CommandResultIntake(
    ICommandStore store,
    CommandSender sender,
    TimeProvider time,
    ILogger<CommandResultIntake> logger) : IDeviceReportConsumer
{
    private long _refused;

    public long Refused => Interlocked.Read(ref _refused);

    public bool Wants(TopicKind kind) => kind == TopicKind.CommandResult;

    public async Task ConsumeAsync(TopicAddress address, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        if (Read(payload) is not { } result || result.Id != address.CommandId)
        {
            Refuse(address, "unreadable, oversized, or its id differs from the topic's");
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var updated = await store.UpdateAsync(result.Id, command =>
        {
            if (command.DeviceId != address.DeviceId || command.State == result.Outcome)
            {
                return false;
            }

            if (result.Outcome == CommandOutcomes.Running)
            {
                if (command.State != CommandStates.Pending)
                {
                    return false;
                }

                command.StartedAt = now;
            }
            else
            {
                command.FinishedAt = now;
            }

            command.State = result.Outcome;
            command.Detail = result.Detail;
            return true;
        }, cancellationToken);
        if (updated is null)
        {
            if (await store.FindAsync(result.Id, cancellationToken) is not { } known || known.DeviceId != address.DeviceId)
            {
                Refuse(address, "no such command for this device");
            }

            return;
        }

        logger.LogInformation("Command {Id} ({Kind}) on {Device}: {State} {Detail}", updated.Id, updated.Kind, updated.DeviceId, updated.State, updated.Detail);
        if (updated.IsFinal)
        {
            await sender.ClearAsync(updated, cancellationToken);
        }
    }

    private static CommandResult? Read(ReadOnlySequence<byte> payload)
    {
        if (payload.IsEmpty || payload.Length > CommandLimits.MaxResultBytes)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(payload);
            var result = JsonSerializer.Deserialize(ref reader, CommandJson.Default.CommandResult);
            return result is { Id: not null, Outcome: CommandOutcomes.Running or CommandOutcomes.Succeeded or CommandOutcomes.Failed or CommandOutcomes.TimedOut or CommandOutcomes.Expired or CommandOutcomes.Rejected }
                ? result
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Refuse(TopicAddress address, string why)
    {
        Interlocked.Increment(ref _refused);
        logger.LogWarning("Refused a command result from {Device} for {Command}: {Why}", address.DeviceId, address.CommandId, why);
    }
}
