using System.Net.Sockets;

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

    /// <summary>
    /// Starts pressing <paramref name="device"/> with <paramref name="pressers"/> (1, 2 or 4) parallel pressers, each on
    /// its own buttons: the simulated press endpoint answers when the button's durable count has grown, and two
    /// presses of one button at once are one press on the wire (overlapping contacts), so they must not share.
    /// </summary>
    public void Start(DeviceRunner device, int pressers = 1)
    {
        _stop = new CancellationTokenSource();
        var stop = _stop.Token;
        var loops = Enumerable.Range(0, pressers)
            .Select(p => (Buttons: Enumerable.Range(1, 4).Where(b => (b - 1) % pressers == p).ToArray(), Seed: _random.Next()))
            .ToList();
        _running = Task.WhenAll(loops.Select(loop => Task.Run(() => PressUntilAsync(device, loop.Buttons, new Random(loop.Seed), stop))));
    }

    /// <summary>
    /// Appends <paramref name="count"/> (a multiple of 4) ratings at once through POST /sim/flood, which cycles
    /// through the levels, to build a backlog; counted like presses.
    /// </summary>
    public async Task FloodAsync(DeviceRunner device, int count)
    {
        var answered = false;
        try
        {
            using var response = await device.Http.PostAsync($"/sim/flood?count={count}", null);
            answered = response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (CutShort(ex))
        {
        }

        var counts = answered ? _answered : _unanswered;
        for (var level = 1; level <= 4; level++)
        {
            Interlocked.Add(ref counts[level], count / 4);
        }
    }

    /// <summary>Stops pressing and waits for the presses in flight to be answered or to fail.</summary>
    public async Task StopAsync()
    {
        _stop?.Cancel();
        await _running;
    }

    /// <summary>Stops starting new presses at once; the one in flight ends with the kill that follows.</summary>
    public void StopStarting() => _stop?.Cancel();

    /// <summary>
    /// A request the device's kill cut short, its outcome unknown. A connection the device accepted just before it died
    /// can surface as a bare <see cref="SocketException"/> ("Transport endpoint is not connected", from HttpClient
    /// reading the socket's remote address), not wrapped in an <see cref="HttpRequestException"/>.
    /// </summary>
    private static bool CutShort(Exception ex) =>
        ex is HttpRequestException or InvalidOperationException or TaskCanceledException or IOException or SocketException;

    private async Task PressUntilAsync(DeviceRunner device, int[] buttons, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var button = buttons[random.Next(buttons.Length)];
            var level = 5 - button;
            try
            {
                await device.PressAsync(button, 1);
                Interlocked.Increment(ref _answered[level]);
            }
            catch (Exception ex) when (CutShort(ex))
            {
                Interlocked.Increment(ref _unanswered[level]);
            }
        }
    }
}
