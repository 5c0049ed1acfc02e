namespace Edge.Testing.PowerCut;

/// <summary>
/// Presses a device's rating buttons one at a time (each press answered once durable in the outbox) until stopped,
/// counting by level what was answered and what was still in flight when it stopped (its outcome unknown).
/// </summary>
public sealed class PressLoop
{
    private readonly long[] _answered = new long[5];
    private readonly long[] _unanswered = new long[5];
    private readonly Random _random;
    private CancellationTokenSource? _stop;
    private Task _running = Task.CompletedTask;

    public PressLoop(Random random) => _random = random;

    /// <summary>Presses answered as durable, by level 1-4 (index 0 unused).</summary>
    public IReadOnlyList<long> Answered => _answered;

    /// <summary>Presses in flight when the loop stopped (the device was killed): stored or not, at most once.</summary>
    public IReadOnlyList<long> Unanswered => _unanswered;

    public long AnsweredTotal => _answered.Sum();

    public long UnansweredTotal => _unanswered.Sum();

    /// <summary>Starts pressing <paramref name="device"/> with <paramref name="presser"/> parallel pressers.</summary>
    public void Start(DeviceRunner device, int presser = 1)
    {
        _stop = new CancellationTokenSource();
        var stop = _stop.Token;
        var seeds = Enumerable.Range(0, presser).Select(_ => _random.Next()).ToList();
        _running = Task.WhenAll(seeds.Select(seed => Task.Run(() => PressUntilAsync(device, new Random(seed), stop))));
    }

    /// <summary>Stops pressing and waits for the presses in flight to be answered or to fail.</summary>
    public async Task StopAsync()
    {
        _stop?.Cancel();
        await _running;
    }

    /// <summary>Stops starting new presses at once; the one in flight ends with the kill that follows.</summary>
    public void StopStarting() => _stop?.Cancel();

    private async Task PressUntilAsync(DeviceRunner device, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var button = random.Next(1, 5);
            var level = 5 - button;
            try
            {
                await device.PressAsync(button, 1);
                Interlocked.Increment(ref _answered[level]);
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException or IOException)
            {
                Interlocked.Increment(ref _unanswered[level]);
            }
        }
    }
}
