using Edge.Device.Configuration;
using Edge.Hosting;

namespace Edge.Device.Commands;

/// <summary>Remote commands (section "Commands").</summary>
public sealed class CommandsOptions : ICheckedOptions
{
    public const string Section = "Commands";

    /// <summary>Exit code of a host stopped by the restart command: the systemd unit restarts on it (Restart=always, or RestartForceExitStatus=75).</summary>
    public const int RestartExitCode = 75;

    /// <summary>Run through /bin/sh -c by the reboot command (only logged with --simulate).</summary>
    public string RebootCommand { get; set; } = "systemctl reboot";

    /// <summary>How many handled command ids the device remembers (so a redelivered command never runs twice).</summary>
    public int RememberIds { get; set; } = 1000;

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(RebootCommand))
        {
            yield return $"{Section}:RebootCommand must not be empty";
        }

        if (RememberIds is < 10 or > 100_000)
        {
            yield return $"{Section}:RememberIds must be 10-100000 (got {RememberIds})";
        }
    }
}
