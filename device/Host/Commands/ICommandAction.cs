namespace Edge.Device.Commands;

/// <summary>
/// What a command did, in words for the fleet; <see cref="StopHostAfterReport"/> for the restart command;
/// <see cref="RememberedDetail"/>: what the ledger keeps instead of a long <see cref="Detail"/> (log lines), so that
/// <c>commands-done.json</c>, rewritten at every step, stays small.
/// </summary>
public sealed record CommandDone(string Detail, bool StopHostAfterReport = false, string? RememberedDetail = null);

/// <summary>The device's side of one command kind. Throws <see cref="CommandFailedException"/> when it could not be done.</summary>
public interface ICommandAction
{
    /// <summary>One of <see cref="Wire.CommandKinds"/>.</summary>
    string Kind { get; }

    /// <summary>Runs the command; <paramref name="cancellationToken"/> fires at the command's timeout (or at shutdown).</summary>
    Task<CommandDone> RunAsync(CancellationToken cancellationToken);
}

/// <summary>A command that ran and failed; the message goes to the fleet.</summary>
public sealed class CommandFailedException(string message) : Exception(message);
