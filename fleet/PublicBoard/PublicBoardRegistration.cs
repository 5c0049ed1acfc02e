using Edge.Fleet.Auth;
using Edge.Fleet.Web;
using Edge.Hosting;

namespace Edge.Fleet.PublicBoard;

public static class PublicBoardRegistration
{
    private static readonly EmbeddedFiles Files = new("Edge.Fleet.PublicBoard.Web.");

    /// <summary>The public transparency board (fleet/PublicBoard/README.md). Call after AddCentres, AddQueue and AddRatingBreakdown.</summary>
    public static IHostApplicationBuilder AddPublicBoard(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<PublicBoardOptions>(PublicBoardOptions.Section);
        builder.Services.AddSingleton<RegistryBoardPlaces>();
        builder.Services.AddSingleton<IBoardPlaces, DirectoryBoardPlaces>();
        builder.Services.AddSingleton<PublicBoardCounts>();
        builder.Services.AddSingleton<BoardFigures>();
        builder.Services.AddSingleton<BoardCache>();
        builder.Services.AddSingleton<BoardAnswers>();
        builder.Services.AddApiJson(PublicBoardJson.Default);
        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy<string, PublicBoardRateLimit>(PublicBoardRateLimit.Name));
        return builder;
    }

    /// <summary>
    /// Without login, rate-limited per client address: the pages <c>GET /public/centres/{centre}</c> and
    /// <c>GET /public/provinces/{province}</c>, their files <c>GET /public/assets/{file}</c>, and the figures behind them,
    /// <c>GET /public/api/centres/{centre}</c> and <c>GET /public/api/provinces/{province}</c> (<see cref="BoardView"/>;
    /// Cache-Control and ETag, 304 on If-None-Match). An unknown or switched-off board has the same neutral page, and its
    /// figures answer 404 (a problem document with <c>error: not-shown</c>), the same for both. For technicians: <c>GET /api/v1/public-board/counters</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapPublicBoard(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup("/public").AllowAnonymous().RequireRateLimiting(PublicBoardRateLimit.Name);
        open.MapGet("/centres/{centre}", (string centre, BoardAnswers boards, PublicBoardCounts counters) =>
            Page(boards.CentreShown(centre), counters));
        open.MapGet("/provinces/{province}", (string province, BoardAnswers boards, PublicBoardCounts counters) =>
            Page(boards.ProvinceShown(province), counters));
        open.MapGet("/assets/{file}", (string file) => Asset(file));
        open.MapGet("/api/centres/{centre}", (string centre, BoardAnswers boards, BoardCache cache, PublicBoardCounts counters, HttpContext context) =>
            FiguresAsync(boards.Centre(centre), cache, counters, context));
        open.MapGet("/api/provinces/{province}", (string province, BoardAnswers boards, BoardCache cache, PublicBoardCounts counters, HttpContext context) =>
            FiguresAsync(boards.Province(province), cache, counters, context));

        app.MapGet("/api/v1/public-board/counters", (PublicBoardCounts counters) => TypedResults.Ok(counters.Snapshot()))
            .RequireAuthorization(FleetPolicies.Technician);
        return app;
    }

    private static async Task<IResult> FiguresAsync(Task<CachedBoard?>? answer, BoardCache cache, PublicBoardCounts counters, HttpContext context)
    {
        if (answer is null)
        {
            counters.RefusedNotShown();
            return Results.Json(new BoardAbsentView("not-shown"), PublicBoardJson.Default.BoardAbsentView, statusCode: StatusCodes.Status404NotFound);
        }

        if (await answer is not { } board)
        {
            context.Response.Headers.RetryAfter = ((int)cache.Period.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Json(new BoardAbsentView("unavailable"), PublicBoardJson.Default.BoardAbsentView, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        // Caches (the browser's, a proxy's) may keep the figures until this computation's period ends.
        var left = cache.Period - (DateTimeOffset.UtcNow - board.ComputedAt);
        var headers = context.Response.Headers;
        headers.CacheControl = $"public, max-age={Math.Max(0, (int)left.TotalSeconds)}";
        headers.ETag = board.ETag;
        if (context.Request.Headers.IfNoneMatch.Any(tag => tag is not null && (tag == board.ETag || tag == "*" || tag.Split(',').Select(t => t.Trim()).Contains(board.ETag))))
        {
            counters.AnsweredNotModified();
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        counters.Answered();
        return Results.Bytes(board.Json, "application/json; charset=utf-8");
    }

    private static IResult Page(bool shown, PublicBoardCounts counters)
    {
        if (shown)
        {
            return Asset("board.html");
        }

        // A neutral page rather than a 404: every 4xx of the fleet is a problem document (fleet/Web/ProblemAnswers.cs),
        // and a hall screen or a phone should show words, not JSON. The figures' endpoint is the 404.
        counters.RefusedNotShown();
        using var reader = new StreamReader(Files.Open("absent.html")!);
        return Results.Content(reader.ReadToEnd(), EmbeddedFiles.Html);
    }

    private static IResult Asset(string file) => Files.Serve(file);
}
