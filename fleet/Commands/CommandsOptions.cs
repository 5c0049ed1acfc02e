using Edge.Hosting;

namespace Edge.Fleet.Commands;

/// <summary>Commands to devices (section "Commands").</summary>
public sealed class CommandsOptions : ICheckedOptions
{
    public const string Section = "Commands";

    /// <summary>How long a device may take once it has started a command, when the request does not say.</summary>
    public int DefaultTimeoutSeconds { get; set; } = 60;

    /// <summary>How long a command waits for an offline device, when the request does not say.</summary>
    public int DefaultExpirySeconds { get; set; } = 3600;

    /// <summary>Longest wait a request may ask for.</summary>
    public int MaxExpirySeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>Extra time, beyond a command's timeout, for its result to arrive before the fleet calls it timed out.</summary>
    public int ResultGraceSeconds { get; set; } = 15;

    /// <summary>How often expired and timed-out commands are looked for.</summary>
    public int SweepMilliseconds { get; set; } = 1000;

    /// <summary>
    /// A pending command is sent again (device back online, new leader) at most once per this many seconds, whichever
    /// node sees the reason: with several nodes on one broker, each sees the device come back.
    /// </summary>
    public int RedeliveryQuietSeconds { get; set; } = 30;

    public IEnumerable<string> Validate()
    {
        if (DefaultTimeoutSeconds is < Wire.CommandLimits.MinTimeoutSeconds or > Wire.CommandLimits.MaxTimeoutSeconds)
        {
            yield return $"{Section}:DefaultTimeoutSeconds must be {Wire.CommandLimits.MinTimeoutSeconds}-{Wire.CommandLimits.MaxTimeoutSeconds} (got {DefaultTimeoutSeconds})";
        }

        if (MaxExpirySeconds < 1 || DefaultExpirySeconds is < 1 || DefaultExpirySeconds > MaxExpirySeconds)
        {
            yield return $"{Section}:DefaultExpirySeconds must be 1-{Section}:MaxExpirySeconds (got {DefaultExpirySeconds}, max {MaxExpirySeconds})";
        }

        if (ResultGraceSeconds < 0 || SweepMilliseconds is < 50 or > 60_000)
        {
            yield return $"{Section}:ResultGraceSeconds must not be negative and {Section}:SweepMilliseconds be 50-60000";
        }

        if (RedeliveryQuietSeconds is < 1 or > 3600)
        {
            yield return $"{Section}:RedeliveryQuietSeconds must be 1-3600 (got {RedeliveryQuietSeconds})";
        }
    }
}
