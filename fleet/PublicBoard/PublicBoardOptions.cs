using Edge.Hosting;

namespace Edge.Fleet.PublicBoard;

/// <summary>The public transparency board (section "PublicBoard"), see fleet/PublicBoard/README.md.</summary>
public sealed class PublicBoardOptions : ICheckedOptions
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

    public IEnumerable<string> Validate()
    {
        if (CacheSeconds is < 1 or > 3600)
        {
            yield return $"{Section}:CacheSeconds must be 1-3600 (got {CacheSeconds})";
        }

        if (RequestsPerMinute is < 1 or > 100_000)
        {
            yield return $"{Section}:RequestsPerMinute must be 1-100000 (got {RequestsPerMinute})";
        }
    }
}
