using System.Text.Json.Serialization;

namespace Edge.Wire;

/// <summary>
/// Payload of <c>edge/v1/{device}/cmd/{id}</c> (retained, QoS 1, until the fleet has a final result or the command
/// expired). <see cref="Id"/> equals the topic's last level. The device runs a command at most once per id, never after
/// <see cref="ExpiresAt"/> by its own clock, and gives up on it after <see cref="TimeoutSeconds"/>.
/// </summary>
public sealed record DeviceCommand(string Id, string Kind, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, int TimeoutSeconds);

/// <summary>
/// Payload of <c>edge/v1/{device}/cmd/{id}/result</c> (QoS 1, not retained): <see cref="CommandOutcomes.Running"/>
/// when the device starts the command, then one final outcome.
/// </summary>
public sealed record CommandResult(string Id, string Outcome, string? Detail, DateTimeOffset At);

/// <summary>What a device can be told to do.</summary>
public static class CommandKinds
{
    /// <summary>Blink the button LEDs and flash the display, so a technician finds the unit.</summary>
    public const string Identify = "identify";

    /// <summary>Print a test ticket.</summary>
    public const string TestPrint = "test-print";

    /// <summary>Show the display's test pattern (all segments) for a moment.</summary>
    public const string DisplayTest = "display-test";

    /// <summary>Stop the host cleanly so that its service manager starts it again.</summary>
    public const string Restart = "restart";

    /// <summary>Reboot the Pi (a configured command; only logged on simulated hardware).</summary>
    public const string Reboot = "reboot";

    /// <summary>Send the outbox to the fleet now and wait until it is acknowledged (nothing is ever discarded).</summary>
    public const string FlushOutbox = "flush-outbox";

    /// <summary>
    /// Answer with the host's newest log lines (the result's detail, newest last, at most
    /// <see cref="CommandLimits.MaxLogTailBytes"/>): a technician reads a device's log without a shell on it.
    /// </summary>
    public const string LogTail = "log-tail";

    public static readonly IReadOnlyList<string> All = [Identify, TestPrint, DisplayTest, Restart, Reboot, FlushOutbox, LogTail];

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind);
}

/// <summary>The outcomes of <see cref="CommandResult.Outcome"/> (and the fleet's states, with pending).</summary>
public static class CommandOutcomes
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string TimedOut = "timed-out";
    public const string Expired = "expired";

    /// <summary>The device could not take the command at all (unknown kind, malformed, id mismatch).</summary>
    public const string Rejected = "rejected";

    public static bool IsFinal(string outcome) => outcome is Succeeded or Failed or TimedOut or Expired or Rejected;
}

public static class CommandLimits
{
    /// <summary>Largest command payload a device accepts.</summary>
    public const int MaxCommandBytes = 4 * 1024;

    /// <summary>Largest result payload the fleet accepts.</summary>
    public const int MaxResultBytes = 8 * 1024;

    /// <summary>
    /// Largest detail of a <see cref="CommandKinds.LogTail"/> result, counted as JSON-encoded UTF-8 (non-ASCII letters
    /// are escaped, six bytes each), so that the whole result stays under <see cref="MaxResultBytes"/>.
    /// </summary>
    public const int MaxLogTailBytes = 7 * 1024;

    public const int MinTimeoutSeconds = 1;
    public const int MaxTimeoutSeconds = 600;

    /// <summary>Command ids are one topic level, like device ids.</summary>
    public static bool IsValidId(string? id) => DeviceId.IsValid(id);
}

/// <summary>Source-generated JSON for the command messages (own context, beside <see cref="WireJson"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeviceCommand))]
[JsonSerializable(typeof(CommandResult))]
public sealed partial class CommandJson : JsonSerializerContext;
