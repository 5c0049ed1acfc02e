using Microsoft.Extensions.Options;

namespace Edge.Fleet.Hall;

/// <summary>The hall boards (section "Hall"): how often the fleet looks for a changed board, how many calls it carries.</summary>
public sealed class HallOptions
{
    public const string Section = "Hall";

    /// <summary>How often each centre's board is rebuilt and, when it changed, published (ms).</summary>
    public int IntervalMs { get; set; } = 500;

    /// <summary>Latest calls on a board.</summary>
    public int Calls { get; set; } = 10;

    public string? Problem() =>
        IntervalMs is < 100 or > 60_000 ? $"{Section}:IntervalMs must be 100-60000 (got {IntervalMs})"
        : Calls is < 1 or > 50 ? $"{Section}:Calls must be 1-50 (got {Calls})"
        : null;
}

/// <summary>Names the key when the Hall section is wrong, so start-up stops with one clear line.</summary>
internal sealed class HallOptionsValidator : IValidateOptions<HallOptions>
{
    public ValidateOptionsResult Validate(string? name, HallOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
