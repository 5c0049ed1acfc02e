using Edge.Storage;
using LiteDB;

namespace Edge.Fleet.Store.Lite;

/// <summary>
/// One LiteDB file of a fleet store that survives its engine failing (a full disk): every store of the embedded fleet
/// reaches its file only through <see cref="Read{T}"/>, <see cref="Locked{T}"/> and <see cref="Write{T}"/>.
/// When a call fails in a way that means the engine is gone (<see cref="LiteEngineFailure"/>), the database is given up
/// with <see cref="LiteFile.DisposeAfterFault"/> (no finalizer left to kill the process later), the caller gets
/// <see cref="StoreUnavailableException"/> naming the store (503 at the API, nothing acked at ingest), and so does every
/// call until the backoff has passed; then the next call opens the file again, and storing resumes without a restart.
/// A file that cannot be opened at start does not throw either (a throw there is a crash loop under systemd).
/// <typeparamref name="TView"/> is what the store derives from an open database (its collections, indexes, counts kept
/// in memory): <c>attach</c> builds it again at every opening, so nothing derived outlives the engine it came from.
/// </summary>
public sealed class ReopeningLiteFile<TView> : IDisposable
    where TView : class
{
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(10);

    private readonly string _name;
    private readonly string _path;
    private readonly Func<string, LiteDatabase> _open;
    private readonly Func<string, string?> _lacksRoom;
    private readonly Func<LiteDatabase, TView> _attach;
    private readonly StoreOutages? _outages;
    private readonly TimeProvider _time;
    private readonly TimeSpan _firstRetry;
    private readonly Lock _writeLock = new();
    private readonly Lock _sessionLock = new();

    // Under _sessionLock: the open file, or (when null) why not and when to try again.
    private Session? _session;
    private string _failure;
    private DateTimeOffset _retryAt;
    private TimeSpan _backoff;
    private bool _disposed;

    /// <summary>The file at <paramref name="path"/> with its <paramref name="collections"/> (see <see cref="LiteFile.Open"/>).</summary>
    /// <param name="name">The store's name in logs, 503 answers, <c>/healthz</c> and <c>/metrics</c> ("presence", "registry").</param>
    /// <param name="path">The LiteDB file.</param>
    /// <param name="collections">Created when the file is opened.</param>
    /// <param name="attach">What the store derives from the open database; called at every opening.</param>
    /// <param name="outages">Where the store's state is reported; null for tools that open a file once (copiers).</param>
    /// <param name="opening">How the file is opened and retried; <see cref="LiteFileOpening.Default"/> unless a test says otherwise.</param>
    public ReopeningLiteFile(
        string name, string path, IReadOnlyList<string> collections, Func<LiteDatabase, TView> attach, StoreOutages? outages, LiteFileOpening? opening = null)
    {
        opening ??= LiteFileOpening.Default;
        _name = name;
        _path = path;
        _open = p => opening.Open(p, collections);
        _lacksRoom = opening.LacksRoom;
        _attach = attach;
        _outages = outages;
        _time = opening.Time;
        _firstRetry = _backoff = opening.FirstRetry;
        _failure = $"the {name} store is closed";
        _outages?.Known(name);
        lock (_sessionLock)
        {
            TryOpen();
        }
    }

    /// <summary>The store's name, as reported.</summary>
    public string Name => _name;

    /// <summary>Why the file cannot be used now, or null while it is open.</summary>
    public string? Problem
    {
        get
        {
            lock (_sessionLock)
            {
                return _session is null ? _failure : null;
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> on the open file, concurrently with other readers (see the class summary for failures).</summary>
    public T Read<T>(Func<TView, T> work)
    {
        var session = CurrentSession();
        try
        {
            return work(session.View);
        }
        catch (Exception ex) when (LiteEngineFailure.Is(ex))
        {
            throw new StoreUnavailableException(Fail(session, ex), ex);
        }
    }

    /// <summary>Runs <paramref name="work"/> under the file's write lock, one caller at a time, without a transaction of its own.</summary>
    public T Locked<T>(Func<LiteDatabase, TView, T> work)
    {
        lock (_writeLock)
        {
            var session = CurrentSession();
            try
            {
                return work(session.Db, session.View);
            }
            catch (Exception ex) when (LiteEngineFailure.Is(ex))
            {
                throw new StoreUnavailableException(Fail(session, ex), ex);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> as one transaction under the write lock: on disk when this returns
    /// (<see cref="LiteFile.CommitDurably{T}"/>), or only committed when <paramref name="durable"/> is false (data that is
    /// sent again anyway). A failed write is not stored, so nothing built on it may be acknowledged.
    /// </summary>
    public T Write<T>(Func<TView, T> work, bool durable = true) =>
        Locked((db, view) => durable ? LiteFile.CommitDurably(db, () => work(view)) : LiteFile.Commit(db, () => work(view)));

    public void Dispose()
    {
        lock (_sessionLock)
        {
            _disposed = true;
            _failure = $"the {_name} store is closed";
            if (_session is { } session)
            {
                _session = null;
                session.Db.Dispose();
            }
        }
    }

    private Session CurrentSession()
    {
        lock (_sessionLock)
        {
            if (_session is null && !_disposed && _time.GetUtcNow() >= _retryAt)
            {
                TryOpen();
            }

            if (_session is { } session)
            {
                return session;
            }

            _outages?.Refused(_name);
            throw new StoreUnavailableException(_failure);
        }
    }

    /// <summary>Under <see cref="_sessionLock"/>.</summary>
    private void TryOpen()
    {
        // A fresh engine whose first write fails leaves LiteDB's writer thread deadlocked on itself: opening on a disk that
        // is still full would cost a thread at every retry, and answer nothing new.
        if (_lacksRoom(_path) is { } noRoom)
        {
            _failure = $"the {_name} store is not reopened yet: {noRoom}";
            _outages?.Down(_name, _failure);
            ScheduleRetry();
            return;
        }

        LiteDatabase? db = null;
        try
        {
            db = _open(_path);
            _session = new Session(db, _attach(db));
            _backoff = _firstRetry;
            _outages?.Up(_name);
        }
        catch (Exception ex)
        {
            if (db is not null)
            {
                LiteFile.DisposeAfterFault(db);
            }

            _failure = $"the {_name} store file cannot be opened: {ex.GetBaseException().Message}";
            _outages?.Down(_name, _failure);
            ScheduleRetry();
        }
    }

    /// <summary>Gives up <paramref name="session"/> if it is still the current one; returns why the store is unavailable.</summary>
    private string Fail(Session session, Exception ex)
    {
        lock (_sessionLock)
        {
            if (ReferenceEquals(_session, session))
            {
                _session = null;
                _failure = $"the {_name} store failed and is being reopened: {ex.GetBaseException().Message}";
                LiteFile.DisposeAfterFault(session.Db);
                _outages?.Down(_name, _failure);
                ScheduleRetry();
            }

            _outages?.Refused(_name);
            return _failure;
        }
    }

    private void ScheduleRetry()
    {
        _retryAt = _time.GetUtcNow() + _backoff;
        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, LastRetry.Ticks));
    }

    private sealed record Session(LiteDatabase Db, TView View);
}

/// <summary>
/// How a <see cref="ReopeningLiteFile{TView}"/> opens its file and how soon after a failure it tries again (doubling up
/// to 10 s): the defaults, or in tests a disk that fails on demand and a clock the test moves.
/// </summary>
/// <param name="Open">Opens the file and creates the collections.</param>
/// <param name="Time">The clock of the backoff.</param>
/// <param name="FirstRetry">The first wait after a failure.</param>
/// <param name="LacksRoom">Why the file's disk has no room for it now (checked before each opening), or null.</param>
public sealed record LiteFileOpening(
    Func<string, IReadOnlyList<string>, LiteDatabase> Open, TimeProvider Time, TimeSpan FirstRetry, Func<string, string?> LacksRoom)
{
    /// <summary>Below this much free space on the file's disk the file is not opened (a commit writes pages of 8 KiB, then checkpoints).</summary>
    public const long MinimumFreeBytes = 1 << 20;

    public static LiteFileOpening Default { get; } =
        new((path, collections) => LiteFile.Open(path, [.. collections]), TimeProvider.System, TimeSpan.FromMilliseconds(500), FreeSpaceBelowMinimum);

    /// <summary>"No space left on device (… bytes free …)" when the folder of <paramref name="path"/> has less than <see cref="MinimumFreeBytes"/>.</summary>
    public static string? FreeSpaceBelowMinimum(string path)
    {
        try
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            var free = new DriveInfo(folder).AvailableFreeSpace;
            return free < MinimumFreeBytes ? $"No space left on device ({free} bytes free in {folder})" : null;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // Cannot tell: let the opening itself say.
            return null;
        }
    }
}
