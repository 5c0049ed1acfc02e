using Edge.Testing;

namespace Edge.Benchmarks.Soak;

/// <summary>
/// A real device host process (--simulate) whose rating buttons are pressed through its local endpoint at a steady
/// pace. A press the device answered with success is on disk in its outbox (the endpoint answers after the durable
/// commit): each must reach the fleet's statistics once. A press whose request failed (the host was killed under it,
/// or it refused) may or may not have been stored: it is counted apart, so it can excuse a count above the answered
/// presses but never a count below them.
/// </summary>
public sealed class PressedCounter(DeviceRunner device) : IDisposable
{
    private long _answered;
    private long _unanswered;
    private volatile bool _down;

    public DeviceRunner Device { get; } = device;

    /// <summary>Presses the device answered as stored.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Presses whose request failed: stored or not, nobody was told either way.</summary>
    public long Unanswered => Interlocked.Read(ref _unanswered);

    /// <summary>Presses one button at a time, cycling through the levels, every 1/<paramref name="pressesPerSecond"/> s.</summary>
    public async Task PressAsync(double pressesPerSecond, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(1 / pressesPerSecond);
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (long press = 0; !cancellationToken.IsCancellationRequested; press++)
        {
            var due = interval * press - started.Elapsed;
            if (due > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(due, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            if (_down)
            {
                continue; // nobody presses a counter whose device is restarting
            }

            try
            {
                await Device.PressAsync(button: 1 + (int)(press % 4), count: 1);
                Interlocked.Increment(ref _answered);
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException or IOException)
            {
                Interlocked.Increment(ref _unanswered);
            }
        }
    }

    /// <summary>SIGKILL, then a start on the same outbox (the identity written at provisioning is kept).</summary>
    public async Task KillAndRestartAsync()
    {
        _down = true;
        try
        {
            Device.Kill();
            await Device.StartAsync();
        }
        finally
        {
            _down = false;
        }
    }

    public void Dispose() => Device.Dispose();
}
