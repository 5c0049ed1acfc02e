using System.Globalization;
using System.Security.Claims;
using Edge.Fleet.Auth;
using Edge.Fleet.Queue;
using Edge.Fleet.Registry;
using Edge.Fleet.Stats;
using Edge.Fleet.Store;
using Edge.Wire;

namespace Edge.Fleet.PublicBoard;

/// <summary>
/// A board's figures for a set of centres, computed by the statistics the dashboard and the API use, never again
/// here: the queue's <see cref="QueueFigures.Stats(string, string, string, IReadOnlyList{QueueTicket})"/> over the
/// centres' tickets, and the ratings' <see cref="RatingBreakdown"/> by day counted by <see cref="ScopedRatingCounts"/>
/// as a reader who may see exactly those centres. So a centre's board says what <c>/api/v1/stats/queue</c> and
/// <c>/api/v1/stats/ratings</c> say for it, and a province's what they say for its centres together.
/// </summary>
public sealed class BoardFigures(IEventStore events, DeviceRegistry registry, RatingBreakdown breakdown, IQueueStore queue, QueueDesk desk)
{
    /// <summary>Days of the week trend, today included.</summary>
    public const int Days = 7;

    /// <summary>The seven days to today (oldest first; today last) for <paramref name="centres"/> together.</summary>
    public async Task<IReadOnlyList<BoardDay>> WeekAsync(IReadOnlyCollection<string> centres, CancellationToken cancellationToken)
    {
        var last = DateOnly.ParseExact(desk.Today(), QueueDays.Format, CultureInfo.InvariantCulture);
        var first = last.AddDays(-(Days - 1));
        var dates = Enumerable.Range(0, Days).Select(i => Text(first.AddDays(i))).ToList();

        var tickets = new List<QueueTicket>();
        foreach (var centre in centres)
        {
            tickets.AddRange(await queue.TicketsBetweenAsync(centre, dates[0], dates[^1], cancellationToken));
        }

        var queueDays = QueueFigures.Stats("public", dates[0], dates[^1], tickets).ByDay.ToDictionary(g => g.Key, StringComparer.Ordinal);

        // (string?)null: no single centre asked for, the reader's own centres (an overload takes a set of centres).
        var viewer = ReaderOf(centres);
        RatingBreakdown.RatingCounter count = async (filter, token) =>
            await ScopedRatingCounts.CountAsync(events, registry, viewer, (string?)null, filter, token) ?? new RatingCounts(new Dictionary<int, long>(), 0);
        var ratings = await breakdown.BreakdownAsync(
            RatingBreakdown.ByDay, StatsWindow.StartOf(first, breakdown.Zone), StatsWindow.StartOf(last.AddDays(1), breakdown.Zone), null, null, cancellationToken, count);
        var ratingDays = ratings.Groups.ToDictionary(g => g.Key, StringComparer.Ordinal);

        return dates.Select(date =>
        {
            var served = queueDays.GetValueOrDefault(date);
            var rated = ratingDays.GetValueOrDefault(date);
            return new BoardDay(date, served?.Served ?? 0, served?.WaitAvgS, rated?.Total ?? 0, rated?.Index);
        }).ToList();
    }

    /// <summary>
    /// A reader who may see exactly <paramref name="centres"/> (a manager's scope): the same rule that limits a
    /// signed-in manager limits what a board counts, so a board can never count another centre's devices.
    /// </summary>
    private static ClaimsPrincipal ReaderOf(IEnumerable<string> centres) =>
        new(new ClaimsIdentity(centres.Select(c => new Claim(TokenAuthenticationHandler.CentreClaim, c))));

    private static string Text(DateOnly date) => date.ToString(QueueDays.Format, CultureInfo.InvariantCulture);
}
