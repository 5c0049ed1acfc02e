namespace Edge.Device.Commands;

/// <summary>What a command did, in words for the fleet; <see cref="StopHostAfterReport"/> for the restart command.</summary>
public sealed record CommandDone(string Detail, bool StopHostAfterReport = false);

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
