using Microsoft.Extensions.Options;

namespace Edge.Fleet.PublicBoard;

/// <summary>The public transparency board (section "PublicBoard"), see fleet/PublicBoard/README.md.</summary>
public sealed class PublicBoardOptions
{
    public const string Section = "PublicBoard";

    /// <summary>A board's figures are computed at most once per this many seconds, however many people look.</summary>
    public int CacheSeconds { get; set; } = 30;

    /// <summary>Requests per minute one client address may make to <c>/public/...</c>; more are answered 429.</summary>
    public int RequestsPerMinute { get; set; } = 120;

    /// <summary>
    /// Centres whose board is switched off, for centres the centre directory does not know (a directory entry's own
    /// flag wins when there is one).
    /// </summary>
    public string[] HiddenCentres { get; set; } = [];

    public string? Problem()
    {
        if (CacheSeconds is < 1 or > 3600)
        {
            return $"{Section}:CacheSeconds must be 1-3600 (got {CacheSeconds})";
        }

        if (RequestsPerMinute is < 1 or > 100_000)
        {
            return $"{Section}:RequestsPerMinute must be 1-100000 (got {RequestsPerMinute})";
        }

        return null;
    }
}

/// <summary>Names the key when the PublicBoard section is wrong, so start-up stops with one clear line.</summary>
internal sealed class PublicBoardOptionsValidator : IValidateOptions<PublicBoardOptions>
{
    public ValidateOptionsResult Validate(string? name, PublicBoardOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
