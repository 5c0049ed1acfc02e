using System.Diagnostics;
using System.Net;

namespace Edge.LoadGen;

/// <summary>
/// N simulated devices and what can happen to them all: connect, generate events at a rate, build backlogs,
/// drop and reconnect at once (a reconnect storm), wait until every event is acknowledged.
/// </summary>
public sealed class SimulatedDevices : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private readonly LoadOptions _options;
    private readonly List<SimulatedDevice> _devices;
    private CancellationTokenSource _phase = new();
    private List<Task> _loops = [];

    public SimulatedDevices(LoadOptions options)
    {
        _options = options;
        _devices = Ids(options)
            .Select((id, i) => new SimulatedDevice(id, options, SourceAddress(i), Latencies))
            .ToList();
    }

    /// <summary>The devices' ids: <see cref="LoadOptions.IdPrefix"/> and a five-digit number from 1.</summary>
    public static IEnumerable<string> Ids(LoadOptions options) =>
        Enumerable.Range(1, options.Devices).Select(i => $"{options.IdPrefix}{i:D5}");

    public IReadOnlyList<SimulatedDevice> Devices => _devices;

    public AckLatencies Latencies { get; } = new();

    public int Connected => _devices.Count(d => d.IsConnected);

    public long Numbered => _devices.Sum(d => d.Numbered);

    public long Acked => _devices.Sum(d => d.Acked);

    /// <summary>Gives every device <paramref name="eventsPerDevice"/> more events to send (a backlog).</summary>
    public void AddBacklog(int eventsPerDevice)
    {
        if (eventsPerDevice > 0)
        {
            _devices.ForEach(d => d.Number(eventsPerDevice));
        }
    }

    /// <summary>
    /// Starts every device (at most <see cref="LoadOptions.ConnectConcurrency"/> connection attempts at once) and
    /// returns when all are connected or <paramref name="timeout"/> has passed; devices not yet connected keep trying.
    /// </summary>
    public async Task<ConnectOutcome> ConnectAllAsync(TimeSpan timeout)
    {
        var gate = new SemaphoreSlim(_options.ConnectConcurrency);
        var sw = Stopwatch.StartNew();
        StartLoops(gate, firstAttemptJitter: false);
        var half = await WaitUntilAsync(() => _devices.Count(d => d.Connections > 0) * 2 >= _devices.Count, timeout) ? sw.Elapsed : (TimeSpan?)null;
        var all = await WaitUntilAsync(() => _devices.All(d => d.Connections > 0), timeout - sw.Elapsed);
        return new ConnectOutcome(_devices.Count(d => d.Connections > 0), _devices.Count, sw.Elapsed, all, _devices.Sum(d => d.FailedConnects), half);
    }

    /// <summary>Numbers events at <paramref name="eventsPerSecond"/> in total, spread round-robin over the devices.</summary>
    public async Task<long> PaceAsync(double eventsPerSecond, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        if (eventsPerSecond <= 0 || duration <= TimeSpan.Zero)
        {
            return 0;
        }

        var sw = Stopwatch.StartNew();
        long given = 0;
        var next = 0;
        while (sw.Elapsed < duration && !cancellationToken.IsCancellationRequested)
        {
            var due = (long)(eventsPerSecond * sw.Elapsed.TotalSeconds);
            for (; given < due; given++)
            {
                _devices[next].Number(1);
                next = (next + 1) % _devices.Count;
            }

            await Task.Delay(10, CancellationToken.None);
        }

        return given;
    }

    /// <summary>Waits until every event numbered so far is acknowledged; false when <paramref name="timeout"/> passed first.</summary>
    public Task<bool> WaitDrainedAsync(TimeSpan timeout) => WaitUntilAsync(() => _devices.All(d => d.IsDrained), timeout);

    /// <summary>
    /// A reconnect storm: every device drops its connection at the same moment (the broker publishes their wills),
    /// gathers <paramref name="backlogPerDevice"/> events while offline, then all reconnect at once, with no limit
    /// on concurrent attempts. As in the device host, each first attempt waits a random 0..ReconnectMin, and failed
    /// ones back off exponentially with full jitter. Measures until 99% and
    /// all are back, and until every backlog is acknowledged, within <paramref name="timeout"/>.
    /// </summary>
    public async Task<StormOutcome> StormAsync(int backlogPerDevice, TimeSpan timeout)
    {
        await StopLoopsAsync();
        var before = _devices.Select(d => d.Connections).ToArray();
        await ForEachAsync(d => d.DropAsync(), 200);
        await WaitUntilAsync(() => _devices.All(d => !d.IsConnected), TimeSpan.FromSeconds(30));
        AddBacklog(backlogPerDevice);

        var sw = Stopwatch.StartNew();
        StartLoops(gate: null, firstAttemptJitter: true);
        TimeSpan? ninetyNine = null;
        TimeSpan? all = null;
        TimeSpan? drained = null;
        var needed = (int)Math.Ceiling(_devices.Count * 0.99);
        while (sw.Elapsed < timeout && drained is null)
        {
            var back = 0;
            for (var i = 0; i < _devices.Count; i++)
            {
                back += _devices[i].Connections > before[i] ? 1 : 0;
            }

            ninetyNine ??= back >= needed ? sw.Elapsed : null;
            all ??= back == _devices.Count ? sw.Elapsed : null;
            drained = all is not null && _devices.All(d => d.IsDrained) ? sw.Elapsed : null;
            if (drained is null)
            {
                await Task.Delay(Poll);
            }
        }

        return new StormOutcome(_devices.Count, backlogPerDevice, ninetyNine, all, drained, _devices.Sum(d => d.FailedConnects));
    }

    public async ValueTask DisposeAsync()
    {
        await StopLoopsAsync();
        await ForEachAsync(d => d.DisposeAsync().AsTask(), 200);
        _phase.Dispose();
    }

    private void StartLoops(SemaphoreSlim? gate, bool firstAttemptJitter)
    {
        _phase = new CancellationTokenSource();
        var token = _phase.Token;
        _loops = _devices.Select(d => Task.Run(() => d.RunAsync(gate, firstAttemptJitter, token))).ToList();
    }

    private async Task StopLoopsAsync()
    {
        await _phase.CancelAsync();
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (OperationCanceledException)
        {
            // A loop stopped while it waited; nothing of it is left running.
        }

        _loops = [];
        _phase.Dispose();
        _phase = new CancellationTokenSource();
    }

    private async Task ForEachAsync(Func<SimulatedDevice, Task> action, int concurrency)
    {
        using var gate = new SemaphoreSlim(concurrency);
        await Task.WhenAll(_devices.Select(async d =>
        {
            await gate.WaitAsync();
            try
            {
                await action(d);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(Poll);
        }

        return true;
    }

    private IPAddress? SourceAddress(int index) =>
        _options.SourceAddresses <= 1 ? null : new IPAddress([127, 0, 0, (byte)(1 + index % _options.SourceAddresses)]);
}

/// <summary>How the first connection of every device went.</summary>
public sealed record ConnectOutcome(int Connected, int Devices, TimeSpan Elapsed, bool All, int FailedAttempts, TimeSpan? HalfConnected);

/// <summary>What a reconnect storm took; null times were not reached within the timeout.</summary>
public sealed record StormOutcome(int Devices, int BacklogPerDevice, TimeSpan? NinetyNinePercentBack, TimeSpan? AllBack, TimeSpan? Drained, int FailedAttempts);
