using Microsoft.Extensions.Options;

namespace Edge.Fleet.PublicBoard;

/// <summary>
/// The boards as served: a centre's (shown centres only) and a province's (its shown centres together, one line each),
/// through the <see cref="BoardCache"/>. Null when there is no board to show: unknown, or switched off.
/// </summary>
public sealed class BoardAnswers(IBoardPlaces places, BoardFigures figures, BoardCache cache, TimeProvider time, IOptionsMonitor<PublicBoardOptions> options)
{
    public Task<CachedBoard?>? Centre(string id) =>
        places.Centre(id) is { Shown: true } centre ? cache.GetAsync("centre/" + centre.Id, token => CentreViewAsync(centre, token)) : null;

    public Task<CachedBoard?>? Province(string code) =>
        places.Province(code) is { } province ? cache.GetAsync("province/" + province.Code, token => ProvinceViewAsync(province, token)) : null;

    /// <summary>Whether <paramref name="id"/> has a board to show (the page is served only then).</summary>
    public bool CentreShown(string id) => places.Centre(id) is { Shown: true };

    public bool ProvinceShown(string code) => places.Province(code) is not null;

    private async Task<BoardView> CentreViewAsync(BoardCentre centre, CancellationToken cancellationToken)
    {
        var week = await figures.WeekAsync([centre.Id], cancellationToken);
        return new BoardView("centre", centre.Id, centre.Name, centre.Province, centre.ProvinceName, week[^1].Date, time.GetUtcNow(),
            options.CurrentValue.CacheSeconds, week[^1], week, null);
    }

    private async Task<BoardView> ProvinceViewAsync(BoardProvince province, CancellationToken cancellationToken)
    {
        var shown = province.Centres.Where(c => c.Shown).ToList();
        var week = await figures.WeekAsync(shown.Select(c => c.Id).ToList(), cancellationToken);
        // Each line computed with the total, not taken from the centres' cached boards: the lines of one answer add up.
        var lines = new List<BoardCentreLine>();
        foreach (var centre in shown)
        {
            lines.Add(new BoardCentreLine(centre.Id, centre.Name, (await figures.WeekAsync([centre.Id], cancellationToken))[^1]));
        }

        return new BoardView("province", province.Code, province.Name, province.Code, province.Name, week[^1].Date, time.GetUtcNow(),
            options.CurrentValue.CacheSeconds, week[^1], week, lines);
    }
}
