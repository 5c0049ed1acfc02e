using System.Diagnostics;
using Edge.Device.Configuration;
using Edge.Device.Outbox;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Commands;

/// <summary>Stops the host cleanly (outbox closed, offline announced) after the result is sent; systemd starts it again.</summary>
public sealed class RestartAction : ICommandAction
{
    public string Kind => CommandKinds.Restart;

    public Task<CommandDone> RunAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new CommandDone($"host stopping with exit code {CommandsOptions.RestartExitCode} to be restarted", StopHostAfterReport: true));
}

/// <summary>Runs <c>Commands:RebootCommand</c> (only logs it with --simulate).</summary>
public sealed class RebootAction(
    IOptions<DeviceOptions> device,
    IOptions<CommandsOptions> options,
    ILogger<RebootAction> logger) : ICommandAction
{
    public string Kind => CommandKinds.Reboot;

    public async Task<CommandDone> RunAsync(CancellationToken cancellationToken)
    {
        var command = options.Value.RebootCommand;
        if (device.Value.Simulate)
        {
            logger.LogWarning("Reboot requested: simulated hardware, not running '{Command}'", command);
            return new CommandDone($"simulated: would run '{command}'");
        }

        logger.LogWarning("Reboot requested: running '{Command}'", command);
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command]) { RedirectStandardError = true, UseShellExecute = false })
            ?? throw new CommandFailedException($"could not start '{command}'");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0
            ? new CommandDone($"'{command}' accepted; rebooting")
            : throw new CommandFailedException($"'{command}' exited with {process.ExitCode}: {(await stderr).Trim()}");
    }
}

/// <summary>
/// Sends the outbox now and waits until the fleet has acknowledged everything that was in it when the command came.
/// "Flush" never means discard: nothing leaves the outbox without the fleet's ack.
/// </summary>
public sealed class FlushOutboxAction(OutboxStore outbox) : ICommandAction
{
    public string Kind => CommandKinds.FlushOutbox;

    public async Task<CommandDone> RunAsync(CancellationToken cancellationToken)
    {
        var snapshot = outbox.Snapshot();
        var target = snapshot.NextSeq - 1;
        var depth = snapshot.Depth;
        var clock = Stopwatch.StartNew();
        while (outbox.LastAckedSeq < target)
        {
            outbox.Changed.Signal();
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        return new CommandDone($"outbox sent and acknowledged up to seq {target} ({depth} events waited, {clock.Elapsed.TotalSeconds:F1} s)");
    }
}
