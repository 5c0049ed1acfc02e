using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Fleet.PublicBoard;

/// <summary>
/// One day of a board: aggregate figures only (README.md, "What the public sees"). Every figure is the authenticated
/// statistics API's for the same centres and day: <see cref="TicketsServed"/> and <see cref="AverageWaitSeconds"/> are
/// <c>served</c> and <c>waitAvgS</c> of <c>/api/v1/stats/queue</c>, <see cref="Ratings"/> and
/// <see cref="SatisfactionIndex"/> are <c>total</c> and <c>index</c> of <c>/api/v1/stats/ratings</c>.
/// </summary>
/// <param name="Date">The centre day, yyyy-MM-dd.</param>
/// <param name="TicketsServed">Tickets served that day.</param>
/// <param name="AverageWaitSeconds">Average seconds from ticket to first call over the tickets called; null when none was.</param>
/// <param name="Ratings">Ratings counted (suspect presses are not).</param>
/// <param name="SatisfactionIndex">Share (0..1) of the ratings in the top two levels; null without ratings.</param>
public sealed record BoardDay(string Date, int TicketsServed, double? AverageWaitSeconds, long Ratings, double? SatisfactionIndex);

/// <summary>A centre's line on its province's board: its name and today's figures.</summary>
public sealed record BoardCentreLine(string Id, string Name, BoardDay Today);

/// <summary>
/// Answer of <c>GET /public/api/centres/{centre}</c> and <c>GET /public/api/provinces/{province}</c>: today and the
/// seven days to today (oldest first, today last); a province's board adds one line per centre that shows its board.
/// </summary>
public sealed record BoardView(
    string Kind, string Id, string Name, string? Province, string? ProvinceName, string Day, DateTimeOffset GeneratedAt, int RefreshSeconds,
    BoardDay Today, IReadOnlyList<BoardDay> Week, IReadOnlyList<BoardCentreLine>? Centres);

/// <summary>The neutral answer for a board that is not shown (unknown, or switched off: the same words for both).</summary>
public sealed record BoardAbsentView(string Error);

/// <summary>What the public board did since this node started (<c>GET /api/v1/public-board/counters</c>, technicians).</summary>
/// <param name="Computations">Boards computed from the statistics (at most one per board per cache period).</param>
/// <param name="Answers">Board figures answered (200), from the cache or just computed.</param>
/// <param name="NotModified">Conditional requests answered 304.</param>
/// <param name="NotShown">Requests for an unknown or switched-off board (404).</param>
/// <param name="RateLimited">Requests refused with 429.</param>
/// <param name="Failures">Computations that failed (the last figures are served if there are any, else 503).</param>
public sealed record BoardCountsView(long Computations, long Answers, long NotModified, long NotShown, long RateLimited, long Failures);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BoardView))]
[JsonSerializable(typeof(BoardAbsentView))]
[JsonSerializable(typeof(BoardCountsView))]
public sealed partial class PublicBoardJson : JsonSerializerContext;
