using System.Security.Cryptography;
using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Commands;

/// <summary>
/// Issues commands: stores each (durable) and publishes it retained on <c>edge/v1/{device}/cmd/{id}</c>, so a device
/// that is offline finds it when it connects, until the command ends (final result, expiry, timeout), when the fleet
/// clears the retained message. Pending commands are published again at start-up (the embedded broker keeps retained
/// messages in memory only).
/// </summary>
public sealed class CommandSender(
    CommandBook book,
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
        };
        book.Add(command);
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
