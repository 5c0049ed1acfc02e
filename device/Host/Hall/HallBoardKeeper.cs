using System.Text.Json;
using Edge.Storage;
using Edge.Wire;

namespace Edge.Device.Hall;

/// <summary>
/// The last board the fleet sent, in memory and on disk (<c>{DataDir}/hall-board.json</c>), so the screen keeps the
/// last state through a dropped link and a restart. Each new board is compared with the previous one: calls it did not
/// have (a recall is a call of its own) go to the <see cref="HallAnnouncer"/>.
/// </summary>
public sealed class HallBoardKeeper
{
    /// <summary>A first board (nothing on disk) announces only calls this recent, not a whole morning's.</summary>
    private static readonly TimeSpan FreshCall = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly HallAnnouncer _announcer;
    private readonly ILogger<HallBoardKeeper> _logger;
    private HallBoard? _board;
    private DateTimeOffset? _receivedAt;

    public HallBoardKeeper(string dataDir, HallAnnouncer announcer, ILogger<HallBoardKeeper> logger)
    {
        _path = Path.Combine(dataDir, "hall-board.json");
        _announcer = announcer;
        _logger = logger;
        _board = Load(_path, logger);
        _receivedAt = _board is null ? null : File.GetLastWriteTimeUtc(_path);
    }

    public (HallBoard? Board, DateTimeOffset? ReceivedAt) Current
    {
        get
        {
            lock (_lock)
            {
                return (_board, _receivedAt);
            }
        }
    }

    public void Update(HallBoard board)
    {
        List<BoardCall> fresh;
        lock (_lock)
        {
            var previous = _board;
            if (previous is not null && previous.At > board.At)
            {
                return; // an older board delivered late
            }

            fresh = NewCalls(previous, board);
            AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(board, WireJson.Default.HallBoard));
            _board = board;
            _receivedAt = DateTimeOffset.UtcNow;
        }

        // Oldest first, as they were called.
        foreach (var call in fresh.OrderBy(c => c.At))
        {
            _logger.LogInformation("Hall: {Recall}{Ticket} → quầy {Counter}", call.Recall ? "recall " : "", call.Number, call.Counter);
            _announcer.Announce(call);
        }
    }

    /// <summary>
    /// A call a counter made without the fleet (told on the centre's LAN): added to the last board, with the counter now
    /// serving that number and one fewer waiting in the field. The fleet's next board replaces it.
    /// </summary>
    public void AddLocalCall(BoardCall call, int maxCalls)
    {
        HallBoard board;
        lock (_lock)
        {
            var previous = _board ?? new HallBoard("", "", DateTimeOffset.MinValue, [], [], []);
            if (previous.Calls.Any(c => Key(c) == Key(call)))
            {
                return;
            }

            board = previous with
            {
                At = previous.At > call.At ? previous.At : call.At,
                Calls = [call, .. previous.Calls.Take(Math.Max(0, maxCalls - 1))],
                Serving = [.. previous.Serving.Where(s => s.Counter != call.Counter), new BoardServing(call.Counter, call.Number, call.Field)],
                Waiting = [.. previous.Waiting.Select(w => w.Field == call.Field && !call.Recall ? w with { Count = Math.Max(0, w.Count - 1) } : w)],
            };
        }

        Update(board);
    }

    public static List<BoardCall> NewCalls(HallBoard? previous, HallBoard board)
    {
        if (previous is null)
        {
            return board.Calls.Where(c => board.At - c.At <= FreshCall).ToList();
        }

        var known = previous.Calls.Select(Key).ToHashSet();
        var newest = previous.Calls.Count == 0 ? DateTimeOffset.MinValue : previous.Calls.Max(c => c.At);
        return board.Calls.Where(c => !known.Contains(Key(c)) && c.At >= newest).ToList();
    }

    private static string Key(BoardCall call) => $"{call.Number}|{call.Counter}|{call.At.UtcTicks}|{call.Recall}";

    private static HallBoard? Load(string path, ILogger logger)
    {
        try
        {
            return AtomicFile.ReadOrNull(path) is { } bytes ? JsonSerializer.Deserialize(bytes, WireJson.Default.HallBoard) : null;
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Hall: ignored an unreadable {Path} ({Error}); waiting for the fleet's next board", path, ex.Message);
            return null;
        }
    }
}
