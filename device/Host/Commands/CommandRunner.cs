using System.Text.Json;
using Edge.Device.Configuration;
using Edge.Device.Uplink;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Commands;

/// <summary>
/// Runs the fleet's commands one at a time, each at most once per id (<see cref="HandledCommandStore"/>), never after its
/// expiry by this device's clock, and gives up on it at its timeout. Reports on <c>cmd/{id}/result</c>: running, then the
/// outcome. A redelivered id gets its recorded outcome again; an id interrupted by a restart or power cut is finished
/// as "failed: interrupted", except restart and reboot, for which coming back is the success.
/// Malformed, oversized and unknown commands are logged and counted, never a crash.
/// </summary>
public sealed class CommandRunner(
    IOptions<DeviceOptions> device,
    CommandReceiver receiver,
    HandledCommandStore ledger,
    CommandCounts counters,
    IEnumerable<ICommandAction> actions,
    IUplinkPublisher uplink,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<CommandRunner> logger) : BackgroundService
{
    private readonly string _deviceId = device.Value.Id;
    private readonly Dictionary<string, ICommandAction> _actions = actions.ToDictionary(a => a.Kind, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var received in receiver.Inbox.ReadAllAsync(stoppingToken))
        {
            try
            {
                await HandleAsync(received, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public async Task HandleAsync(ReceivedCommand received, CancellationToken stoppingToken)
    {
        if (Read(received) is not { } command)
        {
            return;
        }

        if (ledger.Find(command.Id) is { } known)
        {
            counters.OnRepeated();
            await ReportAsync(Finish(command, known), stoppingToken);
            return;
        }

        if (!CommandKinds.IsKnown(command.Kind) || !_actions.TryGetValue(command.Kind, out var action))
        {
            counters.OnUnknown();
            logger.LogWarning("Refused command {Id}: unknown kind '{Kind}'", command.Id, command.Kind);
            await ReportAsync(Record(command, CommandOutcomes.Rejected, $"unknown command '{command.Kind}'"), stoppingToken);
            return;
        }

        var now = time.GetUtcNow();
        if (now >= command.ExpiresAt)
        {
            counters.OnExpired();
            logger.LogWarning("Command {Id} ({Kind}) expired at {Expiry:o} (device clock {Now:o}): not run", command.Id, command.Kind, command.ExpiresAt, now);
            await ReportAsync(Record(command, CommandOutcomes.Expired, $"expired at {command.ExpiresAt:o}; device clock {now:o}"), stoppingToken);
            return;
        }

        // On disk before it runs: whatever happens next, this id never runs again.
        var running = Record(command, CommandOutcomes.Running, null);
        await ReportAsync(running, stoppingToken);
        counters.OnRun();
        logger.LogInformation("Running command {Id}: {Kind}", command.Id, command.Kind);
        var timeout = TimeSpan.FromSeconds(Math.Clamp(command.TimeoutSeconds, CommandLimits.MinTimeoutSeconds, CommandLimits.MaxTimeoutSeconds));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(timeout);
        HandledCommand final;
        CommandDone? done = null;
        try
        {
            done = await action.RunAsync(deadline.Token);
            final = Record(command, CommandOutcomes.Succeeded, done.RememberedDetail ?? done.Detail);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            final = Record(command, CommandOutcomes.TimedOut, $"not done within {timeout.TotalSeconds:F0} s");
        }
        catch (CommandFailedException ex)
        {
            final = Record(command, CommandOutcomes.Failed, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Command {Id} ({Kind}) failed unexpectedly", command.Id, command.Kind);
            final = Record(command, CommandOutcomes.Failed, ex.Message);
        }

        logger.LogInformation("Command {Id} ({Kind}): {Outcome} {Detail}", command.Id, command.Kind, final.Outcome, final.Detail);
        // A long detail (log lines) is sent once; a redelivered id is answered with what the ledger kept.
        await ReportAsync(done?.RememberedDetail is null ? final : final with { Detail = done.Detail }, stoppingToken);
        if (done is { StopHostAfterReport: true })
        {
            logger.LogWarning("Stopping the host for command {Id} (exit code {Code}); the service manager starts it again", command.Id, CommandsOptions.RestartExitCode);
            Environment.ExitCode = CommandsOptions.RestartExitCode;
            lifetime.StopApplication();
        }
    }

    private DeviceCommand? Read(ReceivedCommand received)
    {
        if (received.Oversized)
        {
            counters.OnMalformed();
            logger.LogWarning("Refused a command of {Bytes} bytes (limit {Limit})", received.Bytes, CommandLimits.MaxCommandBytes);
            return null;
        }

        try
        {
            var command = JsonSerializer.Deserialize(received.Payload, CommandJson.Default.DeviceCommand);
            if (command is not null && CommandLimits.IsValidId(command.Id) && command.Kind is not null)
            {
                return command;
            }
        }
        catch (JsonException ex)
        {
            logger.LogDebug("Unreadable command: {Error}", ex.Message);
        }

        counters.OnMalformed();
        logger.LogWarning("Refused a malformed command ({Bytes} bytes): expected {{\"id\", \"kind\", \"issuedAt\", \"expiresAt\", \"timeoutSeconds\"}}", received.Bytes);
        return null;
    }

    /// <summary>A known id again: its recorded outcome, or, if it was interrupted while running, how it ends now.</summary>
    private HandledCommand Finish(DeviceCommand command, HandledCommand known)
    {
        if (known.Outcome != CommandOutcomes.Running)
        {
            logger.LogInformation("Command {Id} already handled ({Outcome}): not run again", command.Id, known.Outcome);
            return known;
        }

        return known.Kind is CommandKinds.Restart or CommandKinds.Reboot
            ? Record(command, CommandOutcomes.Succeeded, "the host started again")
            : Record(command, CommandOutcomes.Failed, "interrupted by a host restart; not run again");
    }

    private HandledCommand Record(DeviceCommand command, string outcome, string? detail)
    {
        var entry = new HandledCommand(command.Id, command.Kind, outcome, detail, time.GetUtcNow());
        ledger.Record(entry);
        return entry;
    }

    private async Task ReportAsync(HandledCommand entry, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new CommandResult(entry.Id, entry.Outcome, entry.Detail, entry.At), CommandJson.Default.CommandResult);
        if (!await uplink.TryPublishAsync(Topics.CommandResult(_deviceId, entry.Id), payload, retain: false, cancellationToken))
        {
            // The fleet keeps the command retained until it has a final result: it comes again and is answered from the ledger.
            logger.LogInformation("Result of command {Id} ({Outcome}) not sent (uplink down); sent again when the command is redelivered", entry.Id, entry.Outcome);
        }
    }
}
