using System.Threading.Channels;
using Edge.Fleet.Ingest;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Changes;
using Edge.Wire;

namespace Edge.Fleet.RatingKeys;

/// <summary>
/// Which counters and fields ratings have been given for, and which counter each device serves: the keys the
/// per-counter and per-field statistics and the silent-counter alert enumerate (the event store answers counts for
/// a key, not the list of keys). Learnt from stored event batches (<see cref="IStoredBatchSubscriber"/>, as ingest read
/// them), looking at a device's batch at most once per <see cref="ScanEvery"/> once it named its counter, so that the
/// publish path stays cheap.
/// Kept in the <see cref="IRatingKeyStore"/> (LiteDB <c>rating-keys.db</c>, or PostgreSQL shared by every node); this
/// class is its in-memory cache: what is learnt here shows at once and is written in the background, in order; after
/// a write that changed anything the <see cref="ChangeTopics.RatingKeys"/> change reloads every node's cache (and so
/// does a reconnect of the change feed), so keys another node learnt show here within a notification's delay.
/// When the device registry (centres, counters) exists it is the better source; this stays as the fallback.
/// </summary>
public sealed class RatingKeyCatalog : IStoredBatchSubscriber, IDisposable
{
    public static readonly TimeSpan ScanEvery = TimeSpan.FromSeconds(10);

    /// <summary>How long a failed write or load waits before it is tried again.</summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Upper bound of the work one turn takes, so that a flush is not kept waiting behind a long queue.</summary>
    private const int MaxWorkPerTurn = 4096;

    private readonly Lock _lock = new();
    private readonly IRatingKeyStore _store;
    private readonly IChangeFeed _changes;
    private readonly TimeProvider _time;
    private readonly ILogger<RatingKeyCatalog> _logger;
    private readonly Dictionary<string, DateTimeOffset> _lastScan = new(StringComparer.Ordinal);
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;
    private readonly Task _writer;
    private KnownKeys _keys = KnownKeys.Empty();

    public RatingKeyCatalog(IRatingKeyStore store, IChangeFeed changes, TimeProvider time, ILogger<RatingKeyCatalog> logger)
    {
        _store = store;
        _changes = changes;
        _time = time;
        _logger = logger;
        _changes.Subscribe(ChangeTopics.RatingKeys, () => _work.Writer.TryWrite(Work.Reload));

        // A local file answers at once: the catalogue is then complete before the first request. A database is
        // read in the background (and retried), not in a constructor.
        Task<RatingKeySet> initial;
        try
        {
            initial = store.LoadAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            initial = Task.FromException<RatingKeySet>(ex);
        }

        if (initial.IsCompletedSuccessfully)
        {
            Merge(initial.Result);
        }
        else
        {
            _ = initial.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            _work.Writer.TryWrite(Work.Reload);
        }

        _writer = Task.Run(() => RunAsync(_stopping.Token));
    }

    public IReadOnlyList<string> Counters
    {
        get
        {
            lock (_lock)
            {
                return [.. _keys.Counters];
            }
        }
    }

    public IReadOnlyList<string> Fields
    {
        get
        {
            lock (_lock)
            {
                return [.. _keys.Fields];
            }
        }
    }

    public string? CounterOf(string deviceId)
    {
        lock (_lock)
        {
            return _keys.DeviceCounters.GetValueOrDefault(deviceId);
        }
    }

    /// <summary>Looks at a stored events batch of <paramref name="deviceId"/> unless one of its batches was looked at lately.</summary>
    public void Stored(string deviceId, EventBatch batch)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_lastScan.TryGetValue(deviceId, out var last) && now - last < ScanEvery)
            {
                return;
            }
        }

        var (counter, fields) = Scan(batch);
        if (counter is not null)
        {
            // Only a batch that named the counter pauses the scanning: one of health samples or peripheral events
            // must not hide the ratings that follow it.
            lock (_lock)
            {
                _lastScan[deviceId] = now;
            }
        }

        Learn(deviceId, counter, fields);
    }

    /// <summary>Records what a device's events said (also the seam for tests and a future registry).</summary>
    public void Learn(string deviceId, string? counter, IReadOnlyCollection<string> fields)
    {
        lock (_lock)
        {
            var changed = false;
            if (counter is not null)
            {
                changed |= _keys.Counters.Add(counter);
                if (_keys.DeviceCounters.GetValueOrDefault(deviceId) != counter)
                {
                    _keys.DeviceCounters[deviceId] = counter;
                    changed = true;
                }
            }

            foreach (var field in fields)
            {
                changed |= _keys.Fields.Add(field);
            }

            if (changed)
            {
                _work.Writer.TryWrite(new Work(RatingKeySet.Of(deviceId, counter, [.. fields])));
            }
        }
    }

    /// <summary>Waits until everything learnt so far is in the store (for tests and an orderly stop).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Writer.TryWrite(new Work(null, done));
        await done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the writer; a second call (the container disposes the instance once per registration) does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _work.Writer.TryComplete();
        _stopping.Cancel();
        try
        {
            _writer.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopped while writing: what was not written is relearnt from the next batches.
        }

        _stopping.Dispose();
    }

    /// <summary>The last counter and every field named in a batch (names longer than 64 characters are not keys).</summary>
    internal static (string? Counter, IReadOnlyCollection<string> Fields) Scan(EventBatch batch)
    {
        static bool IsKey(string? value) => value is { Length: > 0 and <= 64 };
        var counter = batch.Events.LastOrDefault(e => IsKey(e.Counter))?.Counter;
        var fields = batch.Events.Where(e => IsKey(e.Field)).Select(e => e.Field!).ToHashSet(StringComparer.Ordinal);
        return (counter, fields);
    }

    /// <summary>
    /// Each turn takes everything queued and writes what was learnt between reloads and flushes in one store write: in
    /// a reconnect storm thousands of devices name their counter at once, and a write apiece was about 8% of the
    /// fleet's CPU (issue 14).
    /// </summary>
    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var turn = new List<Work>();
        while (await _work.Reader.NextTurnAsync(turn, MaxWorkPerTurn, stoppingToken).ConfigureAwait(false))
        {
            foreach (var work in Merged(turn))
            {
                await DoWithRetryAsync(work, stoppingToken);
            }
        }
    }

    /// <summary>The turn in order, each run of writes made one write (a device's last counter wins).</summary>
    private static IEnumerable<Work> Merged(List<Work> turn)
    {
        var counters = new HashSet<string>(StringComparer.Ordinal);
        var fields = new HashSet<string>(StringComparer.Ordinal);
        var deviceCounters = new Dictionary<string, string>(StringComparer.Ordinal);
        var learnt = false;
        foreach (var work in turn)
        {
            if (work.Learnt is { } set)
            {
                counters.UnionWith(set.Counters);
                fields.UnionWith(set.Fields);
                foreach (var (device, counter) in set.DeviceCounters)
                {
                    deviceCounters[device] = counter;
                }

                learnt = true;
                continue;
            }

            if (learnt)
            {
                yield return new Work(new RatingKeySet(counters, fields, deviceCounters));
                learnt = false;
                counters = new HashSet<string>(StringComparer.Ordinal);
                fields = new HashSet<string>(StringComparer.Ordinal);
                deviceCounters = new Dictionary<string, string>(StringComparer.Ordinal);
            }

            yield return work;
        }

        if (learnt)
        {
            yield return new Work(new RatingKeySet(counters, fields, deviceCounters));
        }
    }

    private async Task DoWithRetryAsync(Work work, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DoAsync(work, stoppingToken);
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning("The rating-key catalogue could not {Action} its store, trying again in {Seconds} s: {Error}",
                    work.IsReload ? "read" : "write", (int)RetryAfter.TotalSeconds, ex.Message);
                await Task.Delay(RetryAfter, _time, stoppingToken);
            }
        }
    }

    private async Task DoAsync(Work work, CancellationToken cancellationToken)
    {
        if (work.Done is { } done)
        {
            done.TrySetResult();
        }
        else if (work.IsReload)
        {
            Merge(await _store.LoadAsync(cancellationToken));
        }
        else if (await _store.LearnAsync(work.Learnt!, cancellationToken))
        {
            await _changes.PublishAsync(ChangeTopics.RatingKeys, cancellationToken);
        }
    }

    /// <summary>The store's keys join what is held (keys only grow); its device counters are the fleet's latest.</summary>
    private void Merge(RatingKeySet stored)
    {
        lock (_lock)
        {
            _keys.Counters.UnionWith(stored.Counters);
            _keys.Fields.UnionWith(stored.Fields);
            foreach (var (device, counter) in stored.DeviceCounters)
            {
                _keys.DeviceCounters[device] = counter;
            }
        }
    }

    /// <summary>A write of what devices named (<see cref="Learnt"/>), a reload (<see cref="IsReload"/>), or a flush marker (<see cref="Done"/>).</summary>
    private sealed record Work(RatingKeySet? Learnt, TaskCompletionSource? Done = null)
    {
        public static Work Reload { get; } = new(Learnt: null);

        public bool IsReload => Learnt is null && Done is null;
    }

    private sealed record KnownKeys(SortedSet<string> Counters, SortedSet<string> Fields, Dictionary<string, string> DeviceCounters)
    {
        public static KnownKeys Empty() => new(
            new SortedSet<string>(StringComparer.Ordinal), new SortedSet<string>(StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal));
    }
}

/// <summary>Shape of the former <c>rating-keys.json</c> (imported by <see cref="LiteRatingKeyStore"/>).</summary>
public sealed record RatingKeysFile(List<string> Counters, List<string> Fields, Dictionary<string, string> DeviceCounters);
