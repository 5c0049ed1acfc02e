using Edge.Fleet.PublicBoard;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Fleet.Tests.PublicBoard;

/// <summary>
/// <see cref="BoardCache"/> on its own, with a clock the test moves: one computation per board per period however many
/// ask at once, a new one after the period, and a failed computation serves the last figures (or none), counted once.
/// </summary>
public sealed class BoardCacheTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero));
    private readonly PublicBoardCounts _counters = new();

    [Fact]
    public async Task Viewers_at_once_share_one_computation_and_the_next_period_computes_again()
    {
        var cache = Cache();
        var computations = 0;
        var release = new TaskCompletionSource();
        async Task<BoardView> Compute(CancellationToken token)
        {
            Interlocked.Increment(ref computations);
            await release.Task;
            return View(computations);
        }

        var viewers = Enumerable.Range(0, 50).Select(_ => cache.GetAsync("centre/a", Compute)).ToList();
        release.SetResult();
        var boards = await Task.WhenAll(viewers);

        Assert.Equal(1, computations);
        Assert.Single(boards.Select(b => b!.ETag).Distinct());
        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Same(boards[0], await cache.GetAsync("centre/a", Compute));
        Assert.Equal(1, computations);

        _clock.Advance(TimeSpan.FromSeconds(2));
        var next = await cache.GetAsync("centre/a", Compute);
        Assert.Equal(2, computations);
        Assert.NotEqual(boards[0]!.ETag, next!.ETag);
        Assert.Equal(2, _counters.Snapshot().Computations);
    }

    [Fact]
    public async Task A_failed_computation_serves_the_last_figures_or_none_and_is_counted_once()
    {
        var cache = Cache();
        Assert.Null(await cache.GetAsync("centre/b", _ => throw new InvalidOperationException("store down")));
        Assert.Null(await cache.GetAsync("centre/b", _ => Task.FromResult(View(1))));
        Assert.Equal(1, _counters.Snapshot().Failures);

        _clock.Advance(TimeSpan.FromSeconds(31));
        var good = await cache.GetAsync("centre/b", _ => Task.FromResult(View(2)));
        Assert.NotNull(good);
        _clock.Advance(TimeSpan.FromSeconds(31));
        var stale = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => cache.GetAsync("centre/b", _ => throw new TimeoutException("store slow"))));

        Assert.All(stale, s => Assert.Same(good, s));
        Assert.Equal((2L, 1L), (_counters.Snapshot().Failures, _counters.Snapshot().Computations));
    }

    private BoardCache Cache() =>
        new(_clock, Options.Create(new PublicBoardOptions { CacheSeconds = 30 }), _counters, NullLogger<BoardCache>.Instance);

    private BoardView View(int served)
    {
        var today = new BoardDay("2026-11-30", served, 60, 1, 1);
        return new BoardView("centre", "a", "A", null, null, today.Date, _clock.GetUtcNow(), 30, today, [today], null);
    }
}
