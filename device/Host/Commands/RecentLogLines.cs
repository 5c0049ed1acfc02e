using System.Globalization;

namespace Edge.Device.Commands;

/// <summary>
/// The host's newest log lines in memory (an <see cref="ILoggerProvider"/> beside the console and journal ones, so it
/// sees what they see, after the same <c>Logging</c> filters): the source of the <c>log-tail</c> command. A ring of
/// <see cref="Capacity"/> lines, each cut at <see cref="MaxLineChars"/>; nothing is written to disk, so a restart
/// starts it empty (the journal keeps the full log on the Pi).
/// </summary>
public sealed class RecentLogLines : ILoggerProvider
{
    public const int Capacity = 500;
    public const int MaxLineChars = 1000;

    private readonly Lock _gate = new();
    private readonly Queue<string> _lines = new(Capacity);

    public ILogger CreateLogger(string categoryName) => new RingLogger(this, ShortName(categoryName));

    /// <summary>The newest lines, oldest first, at most <paramref name="count"/>.</summary>
    public IReadOnlyList<string> Newest(int count)
    {
        lock (_gate)
        {
            return _lines.Skip(Math.Max(0, _lines.Count - count)).ToList();
        }
    }

    public void Add(string line)
    {
        if (line.Length > MaxLineChars)
        {
            line = string.Concat(line.AsSpan(0, MaxLineChars - 1), "…");
        }

        lock (_gate)
        {
            if (_lines.Count == Capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    public void Dispose()
    {
    }

    private static string ShortName(string category) => category[(category.LastIndexOf('.') + 1)..];

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    private sealed class RingLogger(RecentLogLines ring, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var time = DateTimeOffset.UtcNow.ToString("HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            var text = formatter(state, exception).ReplaceLineEndings(" ");
            ring.Add(exception is null
                ? $"{time} {LevelName(logLevel)} {category}: {text}"
                : $"{time} {LevelName(logLevel)} {category}: {text} ({exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")})");
        }
    }
}
