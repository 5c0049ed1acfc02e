using System.Security.Cryptography;
using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Commands;

/// <summary>
/// Issues commands: stores each (durable) and publishes it retained on <c>edge/v1/{device}/cmd/{id}</c>, so a device
/// that is offline finds it when it connects, until the command ends (final result, expiry, timeout), when the fleet
/// clears the retained message. A pending command is sent again (<see cref="DeliverAsync"/>) when its device comes
/// back and when a node becomes leader (the embedded broker keeps retained messages in memory only), but only by the
/// node that claims it in the store, at most once per <c>Commands:RedeliveryQuietSeconds</c>, and never once expired.
/// </summary>
public sealed class CommandSender(
    ICommandStore store,
    IDeviceDownlink downlink,
    IOptions<CommandsOptions> options,
    TimeProvider time,
    ILogger<CommandSender> logger)
{
    public async Task<CommandRecord> IssueAsync(string deviceId, string kind, int? timeoutSeconds, int? expiresInSeconds, string by, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var command = new CommandRecord
        {
            Id = "c" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10)),
            DeviceId = deviceId,
            Kind = kind,
            IssuedAt = now,
            ExpiresAt = now.AddSeconds(expiresInSeconds ?? options.Value.DefaultExpirySeconds),
            TimeoutSeconds = timeoutSeconds ?? options.Value.DefaultTimeoutSeconds,
            IssuedBy = by,
            LastSentAt = now,
        };
        await store.AddAsync(command, cancellationToken);
        await PublishAsync(command, cancellationToken);
        return command;
    }

    public async Task PublishAsync(CommandRecord command, CancellationToken cancellationToken)
    {
        try
        {
            await downlink.PublishAsync(Topics.Command(command.DeviceId, command.Id),
                JsonSerializer.SerializeToUtf8Bytes(command.ToWire(), CommandJson.Default.DeviceCommand), retain: true, cancellationToken);
            logger.LogInformation("Command {Id} ({Kind}) for {Device} published, expires {Expiry:o}", command.Id, command.Kind, command.DeviceId, command.ExpiresAt);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Pending commands are published again by the sweeper until they end.
            logger.LogWarning("Command {Id} for {Device} not published yet: {Error}", command.Id, command.DeviceId, ex.Message);
        }
    }

    /// <summary>
    /// Sends a pending command again if this node wins the claim (see <see cref="ICommandStore.ClaimDeliveryAsync"/>);
    /// returns whether it did. A device that gets a command twice answers from its ledger and does not run it again.
    /// </summary>
    public async Task<bool> DeliverAsync(string commandId, CancellationToken cancellationToken)
    {
        var quiet = TimeSpan.FromSeconds(options.Value.RedeliveryQuietSeconds);
        if (await store.ClaimDeliveryAsync(commandId, time.GetUtcNow().UtcDateTime, quiet, cancellationToken) is not { } claimed)
        {
            return false;
        }

        await PublishAsync(claimed, cancellationToken);
        if (await store.FindAsync(commandId, cancellationToken) is { IsFinal: true } ended)
        {
            // It ended while we published (a result, or the sweep): our retained copy must not outlive it.
            await ClearAsync(ended, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Sends again the pending commands of <paramref name="deviceIds"/> (null: of every device) that this node claims;
    /// returns how many. One read of the open commands serves every device asked.
    /// </summary>
    public async Task<int> DeliverPendingAsync(IReadOnlyCollection<string>? deviceIds, CancellationToken cancellationToken)
    {
        var devices = deviceIds?.ToHashSet(StringComparer.Ordinal);
        var open = await store.OpenAsync(devices is { Count: 1 } ? devices.First() : null, cancellationToken);
        var sent = 0;
        foreach (var pending in open.Where(c => c.State == CommandStates.Pending && (devices is null || devices.Contains(c.DeviceId))))
        {
            sent += await DeliverAsync(pending.Id, cancellationToken) ? 1 : 0;
        }

        return sent;
    }

    /// <summary>Removes the retained command: it has ended, and must not reach the device again.</summary>
    public async Task ClearAsync(CommandRecord command, CancellationToken cancellationToken)
    {
        try
        {
            await downlink.PublishAsync(Topics.Command(command.DeviceId, command.Id), [], retain: true, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // The device's own expiry check and its ledger keep it from running anyway.
            logger.LogWarning("Retained command {Id} for {Device} not cleared: {Error}", command.Id, command.DeviceId, ex.Message);
        }
    }
}
