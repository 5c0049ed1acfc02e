using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.PublicBoard;

/// <summary>A board's answer as served: its JSON, its entity tag (of the figures, not of the time) and when it was made.</summary>
public sealed record CachedBoard(byte[] Json, string ETag, DateTimeOffset ComputedAt);

/// <summary>
/// One computation per board per <see cref="PublicBoardOptions.CacheSeconds"/>, however many viewers ask: the first
/// request after the period starts the computation and every request meanwhile awaits that same one. A failed
/// computation is logged and counted once; its viewers get the board's last figures if there are any (null otherwise:
/// the endpoint answers 503), and the next period tries again.
/// </summary>
public sealed class BoardCache(TimeProvider time, IOptions<PublicBoardOptions> options, PublicBoardCounts counters, ILogger<BoardCache> logger)
{
    private static readonly TimeSpan ComputeTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public TimeSpan Period => TimeSpan.FromSeconds(options.Value.CacheSeconds);

    /// <summary>The board <paramref name="key"/>, computed by <paramref name="compute"/> when the cached one is too old.</summary>
    public Task<CachedBoard?> GetAsync(string key, Func<CancellationToken, Task<BoardView>> compute)
    {
        while (true)
        {
            var now = time.GetUtcNow();
            var current = _entries.GetValueOrDefault(key);
            if (current is not null && (!current.Board.Value.IsCompleted || now - current.Started < Period))
            {
                return current.Board.Value;
            }

            var previous = current?.Board.Value;
            var next = new Entry(now, new Lazy<Task<CachedBoard?>>(() => ComputeAsync(key, compute, previous)));
            if (current is null ? _entries.TryAdd(key, next) : _entries.TryUpdate(key, next, current))
            {
                return next.Board.Value;
            }
        }
    }

    private async Task<CachedBoard?> ComputeAsync(string key, Func<CancellationToken, Task<BoardView>> compute, Task<CachedBoard?>? previous)
    {
        try
        {
            using var timeout = new CancellationTokenSource(ComputeTimeout);
            var view = await compute(timeout.Token);
            counters.Computed();
            return new CachedBoard(
                JsonSerializer.SerializeToUtf8Bytes(view, PublicBoardJson.Default.BoardView), ETagOf(view), view.GeneratedAt);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            counters.Failed();
            var last = previous is { IsCompletedSuccessfully: true } ? previous.Result : null;
            logger.LogWarning(ex, "Public board {Board} could not be computed; {Answer}", key,
                last is null ? "answering 503 until it can" : $"serving the figures of {last.ComputedAt:O}");
            return last;
        }
    }

    /// <summary>A strong tag of the figures alone: a hall screen revalidating gets 304 while nothing changed.</summary>
    private static string ETagOf(BoardView view)
    {
        var figures = JsonSerializer.SerializeToUtf8Bytes(view with { GeneratedAt = default }, PublicBoardJson.Default.BoardView);
        return "\"" + Convert.ToHexStringLower(SHA256.HashData(figures).AsSpan(0, 12)) + "\"";
    }

    private sealed record Entry(DateTimeOffset Started, Lazy<Task<CachedBoard?>> Board);
}
